"""pytest plugin: collects opsdocs checks as test items (filled in by opsdocs.verify)."""
