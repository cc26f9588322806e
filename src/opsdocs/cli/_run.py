"""``opsdocs run [PAGE[#SECTION]]``: walk an operator through a runbook, step by step, with a log.

Exit 0 when every step was settled, 1 when the operator quit (resume with ``--resume LOG``), 2 for an
input error (one located line).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from opsdocs.errors import ConfigError

_SET = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="guided on-call mode: walk a runbook step by step, with an incident log",
                       description="List the procedures (no PAGE), or walk one: each step shown with its exact "
                                   "command, mode and expected output; run, skip, edit or quit. Every decision "
                                   "goes to an incident log (JSON Lines + Markdown timeline).")
    p.add_argument("page", nargs="?", metavar="PAGE[#SECTION]",
                   help="e.g. data-restore-drill or rollback#worker-rollback (default: pick from a list)")
    p.add_argument("--root", type=Path, default=None, help="the wrangler project checkout (default: this repo)")
    p.add_argument("--site-root", type=Path, default=None, help="the folder with mkdocs.yml, docs/ and runbooks/")
    p.add_argument("--env", default=None, help="the wrangler environment this session acts on ('' = top level)")
    p.add_argument("--dry-run", action="store_true", help="print the whole plan with values filled in; run nothing")
    p.add_argument("--set", dest="values", action="append", default=[], metavar="NAME=VALUE",
                   help="a placeholder value, e.g. VERSION_ID=... (checked against its format)")
    p.add_argument("--log", type=Path, default=None,
                   help="incident log path (default: ROOT/.opsdocs/incidents/<time>-<procedure>.jsonl)")
    p.add_argument("--resume", type=Path, default=None, metavar="LOG", help="continue the session of this log")
    p.add_argument("--export", type=Path, default=None, metavar="LOG", help="write a postmortem draft from LOG")
    p.add_argument("--output", type=Path, default=None, help="with --export: where (default: LOG.postmortem.md)")
    p.add_argument("--offline", action="store_true", help="do not look up what is deployed (GitHub, Cloudflare)")
    p.set_defaults(handler=run)


def _values(pairs: list[str]) -> dict[str, str]:
    from opsdocs.runmode.placeholders import format_for, validate

    out = {}
    for pair in pairs:
        m = _SET.match(pair)
        if m is None:
            raise ConfigError(f"--set {pair!r} is not NAME=VALUE", hint="e.g. --set VERSION_ID=5f1c2b7a-...")
        problem = validate(format_for(m.group(1)), m.group(2))
        if problem is not None:
            raise ConfigError(f"--set {m.group(1)}: {problem}")
        out[m.group(1)] = m.group(2).strip()
    return out


def run(args: argparse.Namespace) -> int:
    from opsdocs.project.load import default_root
    from opsdocs.runmode import RunOptions, export_postmortem, resume_guided, run_guided

    if args.export is not None:
        path = export_postmortem(args.export, args.output)
        print(f"postmortem draft: {path}")
        return 0
    if args.resume is not None:
        return resume_guided(args.resume, online=not args.offline)
    if args.site_root is not None and not (args.site_root / "mkdocs.yml").is_file():
        raise ConfigError("no mkdocs.yml in the site root", path=args.site_root,
                          hint="pass --site-root with the folder holding mkdocs.yml, docs/ and runbooks/")
    options = RunOptions(root=(args.root or default_root()).resolve(), site_root=args.site_root, target=args.page,
                         env=args.env, dry_run=args.dry_run, values=_values(args.values), log=args.log,
                         online=not args.offline)
    return run_guided(options)
