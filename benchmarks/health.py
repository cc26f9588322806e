"""Benchmark: 100 health checks against a local server whose every endpoint takes 200 ms.

Run one after the other that is 20 s; run concurrently it should take about one endpoint's time. The
server is asyncio in a process of its own (every request in flight at once), so the limit measured is ours.
``python benchmarks/health.py [--checks 100] [--delay 0.2]``; ``run()`` returns the numbers as a dict.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from opsdocs.health import run_health_checks  # noqa: E402
from opsdocs.project.model import HealthCheck, Location  # noqa: E402

GOAL_S = 0.2
LIMIT_S = 1.5


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        path = head.split(b" ", 2)[1].decode()
        await asyncio.sleep(delay)  # a Worker doing a D1 round trip
        body = json.dumps({"status": "ok", "db": "ok", "version": "bench", "path": path}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
                     b"content-length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, IndexError):
        pass
    finally:
        writer.close()


def _serve_forever(delay: float) -> None:
    """The server process: print the port, then answer until killed."""

    async def main() -> None:
        server = await asyncio.start_server(lambda r, w: _handle(r, w, delay), "127.0.0.1", 0, backlog=1024)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


@contextmanager
def _server(delay: float) -> Iterator[str]:
    """The asyncio server in a process of its own (its CPU is not ours to measure); yields its base URL."""
    proc = subprocess.Popen([sys.executable, __file__, "--serve", "--delay", str(delay)],
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready and proc.stdout else ""
        if not line.strip().isdigit():
            raise RuntimeError("benchmark server did not start")
        yield f"http://127.0.0.1:{line.strip()}"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _checks(n: int) -> list[HealthCheck]:
    return [
        HealthCheck(name=f"endpoint-{i}", path=f"/endpoint/{i}", method="GET", expect_status=200,
                    expect_json={"status": "ok", "db": "ok"}, expect_json_fields=("version",),
                    latency_budget_ms=2000, retries=0, backoff_s=0, timeout_s=10,
                    location=Location("benchmarks/health.py", i + 1))
        for i in range(n)
    ]


def _time(checks: list[HealthCheck], base_url: str, concurrency: int) -> float:
    started = time.perf_counter()
    findings = run_health_checks(checks, base_url, concurrency=concurrency)
    elapsed = time.perf_counter() - started
    failed = [f.message for f in findings if f.status != "passed"]
    if failed:
        raise RuntimeError(f"{len(failed)} checks failed, e.g. {failed[0]}")
    return elapsed


def run(n: int = 100, delay: float = 0.2, repeats: int = 3) -> dict[str, Any]:
    """Time ``run_health_checks`` over ``n`` endpoints of ``delay`` seconds each (median of repeats)."""
    checks = _checks(n)
    with _server(delay) as base_url:
        all_at_once = [_time(checks, base_url, concurrency=n) for _ in range(repeats)]
        default = [_time(checks, base_url, concurrency=50) for _ in range(repeats)]
    seconds = statistics.median(all_at_once)
    return {
        "benchmark": "health",
        "checks": n,
        "endpoint_delay_s": delay,
        "sequential_s": round(n * delay, 3),
        "seconds": round(seconds, 3),  # concurrency = n
        "seconds_default_concurrency": round(statistics.median(default), 3),  # concurrency = 50
        "checks_per_second": round(n / seconds, 1),
        "goal_s": GOAL_S,
        "limit_s": LIMIT_S,
        "ok": seconds <= LIMIT_S,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve_forever(args.delay)
        return 0
    result = run(args.checks, args.delay)
    print(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
