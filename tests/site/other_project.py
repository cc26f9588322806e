"""A second project, named differently in every respect, to prove the pages render ITS config."""

from __future__ import annotations

from pathlib import Path

WRANGLER = """// another team's Worker
{
  "name": "inventory-svc",
  "main": "src/main.js",
  "compatibility_date": "2025-06-01",
  "d1_databases": [
    {"binding": "STOCK", "database_name": "inventory-dev", "database_id": "11111111-2222-4333-8444-555555555555",
     "migrations_dir": "schema", "migrations_table": "schema_history"},
  ],
  "env": {
    "qa": {
      "d1_databases": [
        {"binding": "STOCK", "database_name": "inventory-qa", "database_id": "22222222-3333-4444-8555-666666666666",
         "migrations_dir": "schema", "migrations_table": "schema_history"},
      ],
    },
    "live": {
      "d1_databases": [
        {"binding": "STOCK", "database_name": "inventory-live", "database_id": "33333333-4444-4555-8666-777777777777",
         "migrations_dir": "schema", "migrations_table": "schema_history"},
      ],
    },
  },
}
"""

SHIP = """name: ship
on:
  push:
    branches: [trunk]
permissions: {}
jobs:
  gate:
    uses: ./.github/workflows/checks.yml
  schema:
    needs: gate
    runs-on: ubuntu-latest
    timeout-minutes: 9
    environment: live-approval
    steps:
      - uses: cloudflare/wrangler-action@da0e0dfe58b7a431659754fdf3f186c529afbe65
        with:
          apiToken: ${{ secrets.INV_CF_TOKEN }}
          accountId: ${{ secrets.INV_CF_ACCOUNT }}
          command: d1 migrations apply inventory-live --remote --env live
  release:
    needs: schema
    runs-on: ubuntu-latest
    timeout-minutes: 11
    environment: live-approval
    steps:
      - uses: cloudflare/wrangler-action@da0e0dfe58b7a431659754fdf3f186c529afbe65
        with:
          apiToken: ${{ secrets.INV_CF_TOKEN }}
          accountId: ${{ secrets.INV_CF_ACCOUNT }}
          command: deploy --env live
      - name: Probe live
        env:
          BASE_URL: ${{ vars.INVENTORY_URL }}
        run: opsdocs health --base-url "$BASE_URL"
      - name: Undo release
        if: failure()
        env:
          CLOUDFLARE_API_TOKEN: ${{ secrets.INV_CF_TOKEN }}
        run: npx wrangler rollback --env live --yes
"""

CHECKS = """name: checks
on:
  workflow_call:
  pull_request:
permissions: {}
jobs:
  unit:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo ok
  audit:
    needs: unit
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - run: echo ok
"""

NIGHTLY = """name: watch
on:
  schedule:
    - cron: "5 1 * * *"
permissions: {}
jobs:
  observe:
    runs-on: ubuntu-latest
    timeout-minutes: 7
    steps:
      - run: echo observe
        env:
          CLOUDFLARE_API_TOKEN: ${{ secrets.INV_RO_TOKEN }}
"""


def write_other_project(root: Path) -> Path:
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "schema").mkdir()
    (root / "src").mkdir()
    (root / "wrangler.jsonc").write_text(WRANGLER)
    (root / ".github/workflows/ship.yml").write_text(SHIP)
    (root / ".github/workflows/checks.yml").write_text(CHECKS)
    (root / ".github/workflows/watch.yml").write_text(NIGHTLY)
    (root / "schema/0001_items.sql").write_text("CREATE TABLE items (id INTEGER PRIMARY KEY);\n")
    (root / "schema/0002_stock.sql").write_text("CREATE TABLE stock (item INTEGER, qty INTEGER);\n")
    (root / "src/main.js").write_text("export default { fetch() { return new Response('ok'); } };\n")
    return root
