"""External links against a real HTTP server on 127.0.0.1: verdicts, retries, 429 handling and the cache."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from links_helpers import Server, page

from opsdocs.links import check_site_links
from opsdocs.report.finding import Finding

MakeSite = Callable[[dict[str, str]], Path]


def by_url(findings: list[Finding], server: Server) -> dict[str, str]:
    """path on the test server -> status of its finding (ok links are summed up in one passed finding)."""
    prefix = f"link:{server.url('')}"
    return {f.id[len(prefix) :]: f.status for f in findings if f.id.startswith(prefix)}


def external_summary(findings: list[Finding]) -> str:
    [summary] = [f.message for f in findings if f.id == "link:external"]
    return summary


def site_linking(make_site: MakeSite, urls: list[str]) -> Path:
    return make_site({"index.html": page("\n".join(f'<a href="{u}">x</a>' for u in urls))})


def test_verdicts_by_status(make_site: MakeSite, http_server: Server) -> None:
    paths = ["/ok", "/gone", "/deleted", "/flaky-429", "/always-429", "/no-head", "/moved"]
    site = site_linking(make_site, [http_server.url(p) for p in paths])
    findings = check_site_links(site, external=True, retries=2)
    assert by_url(findings, http_server) == {
        "/gone": "failed",
        "/deleted": "failed",
        "/always-429": "skipped",
    }
    assert external_summary(findings) == "4 external links ok (0 from cache)"
    assert http_server.hits[("GET", "/no-head")] == 1  # HEAD said 405, GET decided
    assert http_server.count("/flaky-429") == 2  # 429 honoured (Retry-After: 0), then 200
    assert http_server.count("/always-429") == 3  # retries=2: three attempts, then "ask again later"
    assert http_server.count("/moved") == 1  # a redirect is fine and not followed
    [gone] = [f for f in findings if f.id.endswith("/gone")]
    assert gone.where == "site/index.html:5"
    assert "HTTP 404" in gone.message


@pytest.mark.parametrize("path", ["/slow-429", "/date-429"])
def test_retry_after_beyond_the_limit_is_skipped_without_waiting(
    make_site: MakeSite, http_server: Server, path: str
) -> None:
    site = site_linking(make_site, [http_server.url(path)])
    start = time.monotonic()
    findings = check_site_links(site, external=True)
    assert time.monotonic() - start < 5
    assert by_url(findings, http_server) == {path: "skipped"}
    assert http_server.count(path) == 1


def test_server_errors_and_refused_connections_fail_after_retries(
    make_site: MakeSite, http_server: Server, closed_port: int
) -> None:
    refused = f"http://127.0.0.1:{closed_port}/x"
    site = site_linking(make_site, [http_server.url("/error-500"), refused])
    findings = check_site_links(site, external=True, retries=1, timeout_s=2)
    statuses = {f.id: f.status for f in findings}
    assert statuses[f"link:{http_server.url('/error-500')}"] == "failed"
    assert statuses[f"link:{refused}"] == "failed"
    assert http_server.hits[("GET", "/error-500")] == 2  # HEAD 500 -> GET, on each of 2 attempts


def test_cache_skips_the_network_until_it_expires(
    make_site: MakeSite, http_server: Server, tmp_path: Path
) -> None:
    site = site_linking(
        make_site, [http_server.url("/ok"), http_server.url("/gone"), http_server.url("/always-429")]
    )
    cache = tmp_path / "cache" / "links.json"
    first = check_site_links(site, external=True, cache_path=cache, retries=0)
    assert by_url(first, http_server) == {"/gone": "failed", "/always-429": "skipped"}
    hits = http_server.count("/ok") + http_server.count("/gone")
    assert hits == 3  # HEAD /ok; HEAD + GET /gone

    second = check_site_links(site, external=True, cache_path=cache, retries=0)
    assert by_url(second, http_server) == {"/gone": "failed", "/always-429": "skipped"}
    assert external_summary(second) == "1 external links ok (1 from cache)"
    assert http_server.count("/ok") + http_server.count("/gone") == hits  # answered from the cache
    assert http_server.count("/always-429") == 2  # rate-limited answers are not cached

    time.sleep(0.05)
    third = check_site_links(site, external=True, cache_path=cache, cache_max_age_s=0.01, retries=0)
    assert external_summary(third) == "1 external links ok (0 from cache)"
    assert http_server.count("/ok") + http_server.count("/gone") == 2 * hits


def test_corrupt_cache_is_ignored_and_rewritten(
    make_site: MakeSite, http_server: Server, tmp_path: Path
) -> None:
    cache = tmp_path / "links.json"
    cache.write_text("{not json")
    site = site_linking(make_site, [http_server.url("/ok")])
    assert [f.status for f in check_site_links(site, external=True, cache_path=cache)] == ["passed", "passed"]
    assert json.loads(cache.read_text())["version"] == 1


def test_secrets_in_urls_stay_out_of_messages_and_cache(
    make_site: MakeSite, http_server: Server, tmp_path: Path
) -> None:
    secret = "s3cr3t-value-42"
    url = http_server.url(f"/gone?api_token={secret}&page=2").replace("http://", f"http://bob:{secret}@")
    site = site_linking(make_site, [url])
    cache = tmp_path / "links.json"
    findings = check_site_links(site, external=True, cache_path=cache)
    [broken] = [f for f in findings if f.status == "failed"]
    assert secret not in broken.message and secret not in broken.id
    assert "api_token=***" in broken.message and "page=2" in broken.message
    assert secret not in cache.read_text()


def test_preconnect_hints_and_text_are_not_fetched(make_site: MakeSite, http_server: Server) -> None:
    site = make_site(
        {
            "index.html": page(
                f'<p><code>&lt;a href="{http_server.url("/gone")}"&gt;</code></p>',
                head=f'<link rel="preconnect" href="{http_server.url("/")}" crossorigin>',
            )
        }
    )
    findings = check_site_links(site, external=True)
    assert external_summary(findings) == "no external links"
    assert sum(http_server.hits.values()) == 0


def test_external_links_are_not_fetched_by_default(make_site: MakeSite, http_server: Server) -> None:
    site = site_linking(make_site, [http_server.url("/gone")])
    assert [f.status for f in check_site_links(site)] == ["passed"]
    assert sum(http_server.hits.values()) == 0


def test_works_when_called_from_a_running_event_loop(make_site: MakeSite, http_server: Server) -> None:
    site = site_linking(make_site, [http_server.url("/ok")])

    async def inside() -> list[Finding]:
        return check_site_links(site, external=True)

    assert external_summary(asyncio.run(inside())) == "1 external links ok (0 from cache)"
