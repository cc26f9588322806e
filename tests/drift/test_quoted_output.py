"""quoted-output: each wrangler text a page quotes must still be in the pinned wrangler's bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
from drift_helpers import Build, page

from opsdocs.claims import load_sources
from opsdocs.drift.quoted_output import QuotedOutput
from opsdocs.steps.sandbox import NODE_MODULES_ENV

PAGE = """\
# Troubleshooting

The job prints this when nothing is pending:

```text
{{ quote("no-migrations") }}
```

A failure reads {{ quote("migration-failed") }} (then the SQLite error).
"""


def _bundle(tmp_path: Path, js: str, version: str = "9.9.9") -> Path:
    """A node_modules whose wrangler bundle is ``js``: what an upgraded wrangler would ship."""
    nm = tmp_path / "nm"
    (nm / ".bin").mkdir(parents=True)
    (nm / ".bin" / "wrangler").write_text("#!/bin/sh\n", encoding="utf-8")
    (nm / "wrangler" / "wrangler-dist").mkdir(parents=True)
    (nm / "wrangler" / "package.json").write_text(f'{{"version": "{version}"}}', encoding="utf-8")
    (nm / "wrangler" / "wrangler-dist" / "cli.js").write_text(js, encoding="utf-8")
    return nm


def test_the_pinned_wrangler_prints_every_quote_in_the_data_file(build: Build,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The real pinned bundle (node_modules of this checkout): every quote of sources.yml, used on a page.
    monkeypatch.setenv(NODE_MODULES_ENV, str(Path(__file__).resolve().parents[2] / "node_modules"))
    uses = "\n".join(f'{{{{ quote("{q}") }}}}' for q in load_sources().quotes)
    assert QuotedOutput().check(build(), [page("docs/all.md", uses)]) == []
    assert len(load_sources().quotes) >= 10


def test_api_texts_and_newer_wranglers_quotes_are_not_searched(build: Build, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # missing-token-short's source was read at 4.125, temporary-hint's at 4.164, error-7403 is an API text
    monkeypatch.setenv(NODE_MODULES_ENV, str(_bundle(tmp_path, "nothing quoted here", version="4.125.0")))
    src = '{{ quote("error-7403") }} {{ quote("temporary-hint") }}\n{{ quote("missing-token-short") }}'
    (finding,) = QuotedOutput().check(build(), [page("docs/a.md", src)])
    assert finding.where == "docs/a.md:2"  # only the 4.125 wrangler's own message was looked for
    monkeypatch.setenv(NODE_MODULES_ENV, str(_bundle(tmp_path / "new", "nothing", version="4.164.0")))
    assert len(QuotedOutput().check(build(), [page("docs/a.md", src)])) == 2  # the 4.164 hint is now checked


def test_a_message_wrangler_no_longer_prints_fails_at_the_quoting_line(
        build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    js = 'logger.log("\\u2705 No migrations to apply!");\n' \
         'logger.error(`Migration ${migration.name} failed: ${why}`);\n'
    monkeypatch.setenv(NODE_MODULES_ENV, str(_bundle(tmp_path, js)))
    (finding,) = QuotedOutput().check(build(), [page("docs/troubleshooting.md", PAGE)])
    assert finding.where == "docs/troubleshooting.md:9"
    assert finding.id == "drift:quoted-output:docs/troubleshooting.md:9:migration-failed"
    assert "no longer printed by wrangler 9.9.9" in finding.message
    assert "'failed with the following errors:'" in finding.message


def test_escaped_quotes_in_the_bundle_still_match(build: Build, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    js = "throw new UserError('You can\\'t use --persist-to without --local');"
    monkeypatch.setenv(NODE_MODULES_ENV, str(_bundle(tmp_path, js)))
    assert QuotedOutput().check(build(), [page("docs/a.md", '{{ quote("missing-token-short") }}')]) != []
    js = "throw new UserError('In a non-interactive environment, it\\'s necessary to set a CLOUDFLARE_API_TOKEN environment variable');"
    monkeypatch.setenv(NODE_MODULES_ENV, str(_bundle(tmp_path / "escaped", js)))
    assert QuotedOutput().check(build(), [page("docs/a.md", '{{ quote("missing-token-short") }}')]) == []


def test_no_wrangler_to_check_against_is_a_failure_not_a_pass(build: Build, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    nm = _bundle(tmp_path, "")
    (nm / "wrangler" / "wrangler-dist" / "cli.js").unlink()
    monkeypatch.setenv(NODE_MODULES_ENV, str(nm))
    (finding,) = QuotedOutput().check(build(), [page("docs/a.md", 'x\n{{ quote("dry-run-exit") }}')])
    assert finding.where == "docs/a.md:2" and "no bundled JavaScript" in finding.message


def test_pages_without_quotes_need_no_wrangler(build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NODE_MODULES_ENV, "/nonexistent")
    assert QuotedOutput().check(build(), [page("docs/a.md", "no quotes here")]) == []
