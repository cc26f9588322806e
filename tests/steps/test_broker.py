"""The credential broker: in a remote-read block only the real wrangler holds the token.

A fake Cloudflare API on host loopback (``CLOUDFLARE_API_BASE_URL``) records the Authorization header
each request carries. The block itself runs offline with no credential; the broker-run wrangler reaches
the fake API with the token. Every program of the block that tries to read the token sees nothing, so no
transform of it can reach the step's output (the text every report, annotation and summary is built from).
"""

from __future__ import annotations

import base64
import json
import textwrap
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from opsdocs.project.load import GUIDES_DIR, load_project
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.site.pages import RenderedPage
from opsdocs.steps import _isolation
from opsdocs.steps.masking import Masker
from opsdocs.steps.parse import parse_page
from opsdocs.steps.run import run_runbook
from opsdocs.steps.sandbox import Sandbox

TOKEN = "tok-Br0ker-S3cret-9f8e7d6c5b4a"
pytestmark = pytest.mark.skipif(not _isolation.status().available, reason="needs bubblewrap")


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A Cloudflare API that answers every GET with an empty success; yields the Authorization headers seen."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            seen.append(self.headers.get("Authorization", ""))
            result: object = {"id": "u1", "email": "ops@example.com"} if self.path.startswith("/user") else []
            body = json.dumps({"success": True, "errors": [], "messages": [], "result": result,
                               "result_info": {"page": 1, "per_page": 20, "count": 0, "total_count": 0}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("CLOUDFLARE_API_BASE_URL", f"http://127.0.0.1:{server.server_port}/client/v4")
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", TOKEN)
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "0123456789abcdef0123456789abcdef")
    try:
        yield seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Project:
    return load_project(make_project({"src/index.js": "export default {};\n"}))


@pytest.fixture
def sandbox(project: Project) -> Iterator[Sandbox]:
    with Sandbox(project) as sb:
        yield sb


def run(md: str, sandbox: Sandbox, project: Project) -> list[Finding]:
    text = textwrap.dedent(md)
    page = parse_page(RenderedPage("runbooks/t.md", GUIDES_DIR / "runbooks/t.md", text, text))
    return run_runbook(page, sandbox, masker=Masker.from_env(project), remote_enabled=True)


def _raw(sandbox: Sandbox, command: str) -> str:
    """The block run as is, the classifier not asked (what gets through if it is wrong), output unmasked."""
    result = sandbox.run(command, 60, remote=True, masker=Masker())
    return result.output


def _spellings(token: str) -> set[str]:
    raw = token.encode()
    return {token, token[::-1], raw.hex(), base64.b64encode(raw).decode().rstrip("="), token[:10], token[-10:],
            token.upper(), token.lower()}


def test_wrangler_gets_the_token_and_succeeds(fake_api: list[str], sandbox: Sandbox, project: Project) -> None:
    (finding,) = run("""\
        ```{.bash data-mode="remote-read" data-expect="You are logged in with an User API Token"}
        npx wrangler whoami
        ```
        """, sandbox, project)
    assert finding.status == "passed", finding.message
    assert f"Bearer {TOKEN}" in fake_api  # the broker-run wrangler held the token and used it


@pytest.mark.parametrize("attempt", [
    "env",
    "cat /proc/self/environ | tr '\\0' '\\n'",
    "cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' || true",
    'rev <<<"$CLOUDFLARE_API_TOKEN"',
    'printf %s "${CLOUDFLARE_API_TOKEN:0:10}" "${CLOUDFLARE_API_TOKEN:10}"',
    'jq -rn "env.CLOUDFLARE_API_TOKEN | @base64"',
    'node -e "console.log(Buffer.from(process.env.CLOUDFLARE_API_TOKEN||\'\').toString(\'hex\'))"',
    "for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/environ 2>/dev/null; done; true",
    # wrangler itself, called around the broker: it runs offline and without a token
    "node node_modules/wrangler/bin/wrangler.js whoami || true",
])
def test_no_program_of_the_block_can_read_the_token(
    fake_api: list[str], sandbox: Sandbox, attempt: str
) -> None:
    out = _raw(sandbox, f"npx wrangler whoami >/dev/null; {attempt}")
    leaked = [s for s in _spellings(TOKEN) if s in out]
    assert not leaked, out[-2000:]
    assert f"Bearer {TOKEN}" in fake_api  # the same block's wrangler did get it


def test_a_wrangler_that_prints_the_token_is_masked_before_the_block_sees_it(
    fake_api: list[str], sandbox: Sandbox
) -> None:
    # The broker masks the real program's output, so even a transform by the block is of *** only.
    out = _raw(sandbox, "wrangler whoami 2>&1 | rev; wrangler whoami --json 2>&1 | base64 -w0")
    assert not [s for s in _spellings(TOKEN) if s in out]


@pytest.mark.parametrize("attempt, why", [
    ('W=deploy; wrangler "$W"', "changes a remote Cloudflare resource"),
    ("F=--remote; wrangler d1 execute DB --command 'DELETE FROM t' $F", "changes"),
    ("echo CLOUDFLARE_API_BASE_URL=http://127.0.0.1:9/x > .env; wrangler whoami", ".env"),
    ("mkdir -p sub && echo HTTPS_PROXY=http://127.0.0.1:9 > sub/.env.production && cp wrangler.jsonc sub/ && "
     "wrangler whoami -c sub/wrangler.jsonc", ".env.production"),
    ("mkdir -p ../home/x && echo A=1 > ../home/x/.dev.vars && wrangler whoami", ".dev.vars"),
    ("wrangler whoami --env-file=/dev/null", "--env-file"),
    # a .env beside another config, away from the working folder and its parents
    ("mkdir -p sub && cp wrangler.jsonc sub/ && echo CLOUDFLARE_API_BASE_URL=http://127.0.0.1:9/x > sub/.env"
     " && wrangler whoami --config sub/wrangler.jsonc", ".env"),
    ("mkdir -p a/b && printf 'X=1' > a/b/.env.production && wrangler whoami", ".env"),
    ("printf 'X=1' > .dev.vars && wrangler whoami", ".dev.vars"),
    ("cd /; wrangler whoami", "inside the sandbox"),
])
def test_the_broker_reads_the_expanded_argv_again(
    fake_api: list[str], sandbox: Sandbox, attempt: str, why: str
) -> None:
    out = _raw(sandbox, f"{attempt} || echo exit=$?")
    assert "refused, not run" in out or "refused:" in out, out
    assert why in out and "exit=126" in out
    assert not fake_api  # nothing reached the API


def test_the_block_itself_stays_offline(fake_api: list[str], sandbox: Sandbox) -> None:
    url = f"{__import__('os').environ['CLOUDFLARE_API_BASE_URL']}/user"
    out = _raw(sandbox, f"node -e \"fetch('{url}').then(()=>console.log('reached'),e=>console.log('blocked', e.cause&&e.cause.code))\"")
    assert "blocked" in out and "reached" not in out
    assert not fake_api


def test_a_local_command_through_the_broker_gets_no_token_and_no_network(
    fake_api: list[str], sandbox: Sandbox
) -> None:
    # The block rewrites the sandbox's config so that a dry run's custom build dumps its environment: were
    # the token given to every wrangler the broker runs, the block could read (and transform) that file.
    config = sandbox.root / "wrangler.jsonc"
    config.write_text(config.read_text().replace(
        "{", '{"build": {"command": "env > leaked.txt; node -e \\"fetch(process.env.CLOUDFLARE_API_BASE_URL'
             '+\'/user\').then(()=>console.log(\'ONLINE\'),()=>console.log(\'OFFLINE\'))\\" >> leaked.txt"},', 1))
    out = _raw(sandbox, "wrangler deploy --dry-run --outdir out >/dev/null 2>&1 || true; rev leaked.txt; cat leaked.txt")
    assert "OFFLINE" in out and "ONLINE" not in out, out[-2000:]
    assert not [s for s in _spellings(TOKEN) if s in out]
    assert not fake_api


def _rot13(text: str) -> str:
    import codecs

    return codecs.encode(text, "rot13")


def test_no_transform_of_the_token_reaches_any_output_of_a_real_run(
    fake_api: list[str], make_project: Callable[..., Path], tmp_path: Path
) -> None:
    """``opsdocs verify`` end to end: a remote-read step whose wrangler uses the token and whose next line
    prints the environment rot13'd (a transform no masker knows). Console, JSON report, JUnit, GitHub
    annotations and the step summary must hold no spelling of it, and the API must have seen it."""
    import os
    import subprocess
    import sys

    root = make_project({"src/index.js": "export default {};\n"})
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: t\ndocs_dir: docs\nnav:\n  - a.md\n")
    (site / "docs" / "a.md").write_text(
        '# A\n\n```{.bash title="who" data-mode="remote-read" data-expect="never printed"}\n'
        "npx wrangler whoami\njq -n env | tr 'A-Za-z' 'N-ZA-Mn-za-m'\n```\n")
    summary, report, junit = tmp_path / "summary.md", tmp_path / "r.json", tmp_path / "j.xml"
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from opsdocs.cli import main; sys.exit(main())", "verify", "--plain",
         "--root", str(root), "--site-root", str(site), "-m", "runbook", "--report", str(report),
         "--junit", str(junit)], capture_output=True, text=True, timeout=600, env=env, start_new_session=True)
    outputs = {"stdout": proc.stdout, "stderr": proc.stderr, "report": report.read_text(),
               "junit": junit.read_text(), "summary": summary.read_text() if summary.exists() else ""}
    assert proc.returncode != 0 and "never printed" in outputs["report"]  # the step ran and its tail is shown
    spellings = _spellings(TOKEN) | {_rot13(TOKEN), _rot13(TOKEN)[::-1]}
    leaked = {name: [s for s in spellings if s in text] for name, text in outputs.items()}
    assert not any(leaked.values()), leaked
    assert f"Bearer {TOKEN}" in fake_api


def _with_cmdline(needle: bytes) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if needle in (proc / "cmdline").read_bytes():
                    pids.append(int(proc.name))
            except OSError:
                continue
    return pids


def _host_address() -> str:
    import socket

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
        address = str(probe.getsockname()[0])
    except OSError:
        pytest.skip("no non-loopback address on this machine")
    finally:
        probe.close()
    if address.startswith("127."):
        pytest.skip("no non-loopback address on this machine")
    return address


def test_what_the_broker_started_dies_with_its_block(sandbox: Sandbox) -> None:
    import time

    release = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            release.wait(120)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    host = _host_address()  # not loopback: the broker gives curl the network only for a remote host
    server = ThreadingHTTPServer((host, 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    marker = f"/hang-{id(server)}"
    try:
        # The block gives up on its curl after 1 s and ends; the broker's curl would wait for its own 60 s
        # timeout, were it not ended with the block.
        url = f"http://{host}:{server.server_port}{marker}"
        result = sandbox.run(f"timeout 1 curl -s {url} || echo gave-up", 60, remote=True, masker=Masker())
        assert "gave-up" in result.output and not result.timed_out
        deadline = time.monotonic() + 10
        while (left := _with_cmdline(marker.encode())) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert left == [], "the broker's curl outlived its block"
    finally:
        release.set()
        server.shutdown()
        server.server_close()
