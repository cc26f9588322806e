"""``opsdocs`` command line: build, serve, health, verify, run.

Every subcommand lives in its own ``_<name>.py`` module exposing ``register(subparsers)``; the handler it
sets returns an exit code. Errors a person can fix are printed as one ``path:line:col: message; hint``
line with a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from opsdocs.errors import OpsdocsError

# Subcommand modules, in --help order.
_MODULES = ("_build", "_health", "_verify", "_run")


def _parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(prog="opsdocs", description="Deployment docs that test themselves.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _MODULES:
        try:
            module = importlib.import_module(f"opsdocs.cli.{name}")
        except ModuleNotFoundError as exc:  # a subcommand not built yet must not break the others
            if exc.name != f"opsdocs.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except OpsdocsError as err:
        print(f"opsdocs: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("opsdocs: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
