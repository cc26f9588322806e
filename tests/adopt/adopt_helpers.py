"""Fixture projects for the adoption tests: real folders on disk, named unlike the sample app."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Names of this repository's sample app: a page rendered for another project must show none of them.
SAMPLE_NAMES = ("ledger-api", "ledger-db", "ledger-db-staging")


def copy_fixture(name: str, dest: Path) -> Path:
    shutil.copytree(FIXTURES / name, dest, symlinks=True)
    return dest
