"""literal-config-value: config values typed into a page instead of rendered by a macro."""

from __future__ import annotations

from drift_helpers import Build, page, secret_docs

from opsdocs.drift.literal_config_value import LiteralConfigValue
from opsdocs.project.model import Project

WRANGLER = """\
{
  "name": "demo-api",
  "main": "src/index.js",
  "d1_databases": [{"binding": "DB", "database_name": "demo-db", "database_id": "1111-aaaa",
                    "preview_database_id": "2222-bbbb"}],
  "env": {"production": {"d1_databases": [{"binding": "DB", "database_name": "demo-db-prod",
                                           "database_id": "3333-cccc"}]}},
}
"""
CI = """\
name: ci
on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: echo "${{ secrets.API_KEY }} ${{ secrets.CLOUDFLARE_API_TOKEN }} ${{ secrets.GITHUB_TOKEN }}"
"""
SOURCE = """\
# Deploying {{ worker.name }}

Run `npx wrangler deploy --env production` to ship demo-api-production.
The DB binding, not DBs or DB_X; ledger-demo-api-x and demo-api_2 are other words.
{% set db = "demo-db" %} <!-- demo-db
demo-api --> {# demo-db #}
```bash
npx wrangler d1 execute demo-db-prod --remote --command "SELECT 1"
```
Set API_KEY and CLOUDFLARE_API_TOKEN (wrangler's own); OLD_KEY too; GITHUB_TOKEN is GitHub's.
{{ "demo-db"
   | upper }} spans lines; then demo-db here.
We deploy to production, in prose: --environment production and -eproduction are not flags.
db id 3333-cccc and 3333-ccccX; also -e production and --env=production (one finding per line).
"""


def _project(build: Build) -> Project:
    return build({"wrangler.jsonc": WRANGLER, ".github/workflows/ci.yml": CI,
                  "checks/secrets.yml": secret_docs("OLD_KEY")})


def test_each_typed_value_is_a_finding_at_its_line(build: Build) -> None:
    findings = LiteralConfigValue().check(_project(build), [page("docs/deploy.md", SOURCE)])
    p = "docs/deploy.md"
    assert [(f.id, f.where) for f in findings] == [
        (f"drift:literal-config-value:{p}:{line}:{value}", f"{p}:{line}")
        for line, value in [(3, "demo-api-production"), (3, "production"), (4, "DB"), (8, "demo-db-prod"),
                            (10, "API_KEY"), (10, "OLD_KEY"), (12, "demo-db"), (14, "3333-cccc"),
                            (14, "production")]
    ]
    messages = {f.id.rsplit(":", 2)[1] + ":" + f.id.rsplit(":", 1)[1]: f.message for f in findings}
    assert messages["4:DB"] == ("'DB' is typed literally; it is d1_databases[0].binding in wrangler.jsonc: "
                                "render it with a macro so the page follows the config")
    assert "it is the Worker name of env.production (wrangler.jsonc):" in messages["3:demo-api-production"]
    assert "it is the wrangler environment env.production (wrangler.jsonc):" in messages["3:production"]
    assert "it is env.production.d1_databases[0].database_name in wrangler.jsonc:" in messages["8:demo-db-prod"]
    assert "it is a secret name (.github/workflows, checks/secrets.yml):" in messages["10:OLD_KEY"]


def test_every_kind_of_value_and_the_top_level_worker(build: Build) -> None:
    source = "demo-api\n1111-aaaa\n2222-bbbb\n3333-cccc\n"
    findings = LiteralConfigValue().check(_project(build), [page("runbooks/r.md", source)])
    assert [f.where for f in findings] == [f"runbooks/r.md:{n}" for n in (1, 2, 3, 4)]
    assert "it is the top-level Worker name (wrangler.jsonc)" in findings[0].message
    assert "it is d1_databases[0].preview_database_id in wrangler.jsonc" in findings[2].message


def test_the_source_is_scanned_not_the_rendered_text(build: Build) -> None:
    clean = page("docs/index.md", "Deploy {{ worker.name }} with {{ env_flag }}.\n",
                 text="Deploy demo-api with --env production.\n")
    assert LiteralConfigValue().check(_project(build), [clean]) == []


def test_every_page_is_scanned(build: Build) -> None:
    pages = [page("docs/a.md", "fine\n"), page("docs/b.md", "\n\n{{ x }}DB\n")]
    (finding,) = LiteralConfigValue().check(_project(build), pages)
    assert finding.where == "docs/b.md:3"
