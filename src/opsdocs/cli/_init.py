"""``opsdocs init``: write checks/secrets.yml, checks/health.yml and a nightly verify workflow, and
ignore ``.opsdocs/`` in the project's .gitignore.

Exit 0 when every file is written or already the same; 1 when a file of yours differs and was left
alone (its diff is printed; ``--force`` replaces it); 2 for a usage or config error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="write checks/secrets.yml, checks/health.yml and a nightly verify workflow",
                       description="Start using opsdocs in a project: write the checks files and a nightly "
                                   "verify workflow from its config and workflows. Never overwrites a file "
                                   "without --force (it prints the diff instead); no network.")
    p.add_argument("--root", type=Path, default=None,
                   help="the wrangler project (default: $OPSDOCS_ROOT, else the nearest folder at or above "
                        "the current one with a wrangler config)")
    p.add_argument("--force", action="store_true", help="replace files that differ from what init writes")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from opsdocs.cli import _version
    from opsdocs.project.load import default_root, load_project
    from opsdocs.scaffold import apply, plan

    project = load_project((args.root or default_root()).resolve())
    kept = 0
    for item in plan(project, opsdocs_version=_version()):
        if item.state == "same":
            print(f"unchanged  {item.relpath}")
        elif item.state == "extends":
            apply(project.root, item)
            print(f"extended   {item.relpath} (ignores .opsdocs/: reports and caches, never committed)")
        elif item.state == "new" or args.force:
            apply(project.root, item)
            print(f"{'wrote' if item.state == 'new' else 'replaced':<10} {item.relpath}")
        else:
            kept += 1
            sys.stdout.write(item.diff if item.diff.endswith("\n") else item.diff + "\n")
            print(f"kept       {item.relpath} (yours differs, shown above; --force replaces it)")
    todo = "fill in every TODO(opsdocs) marker, then run `opsdocs verify`"
    print(f"opsdocs init: {todo}" if not kept else "opsdocs init: some files were kept; see the diffs above",
          file=sys.stderr)
    return 1 if kept else 0
