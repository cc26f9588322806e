"""``opsdocs`` command line: init, build, serve, health, verify, run.

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
_MODULES = ("_init", "_build", "_health", "_verify", "_run", "_report")

_EPILOG = """\
The project is the nearest folder at or above the current one that holds a wrangler config
(wrangler.json, wrangler.jsonc or wrangler.toml, searched as wrangler does); --root DIR or
$OPSDOCS_ROOT overrides it.

exit codes:
  0    ok
  1    checks failed (a failed check, health check or build)
  2    usage or configuration error (one line: path:line:col: what; what to do)
  70   a bug in opsdocs (one line; the traceback is in the file it names)
  130  interrupted
"""


class _OneLineHelp(argparse.RawDescriptionHelpFormatter):
    """Wide enough that each command's help stays on one line, whatever the terminal says."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=14, width=120)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("opsdocs")
    except PackageNotFoundError:  # running from a source tree that was never installed
        from opsdocs import __version__

        return __version__


def _parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(prog="opsdocs", description="Deployment docs that test themselves.",
                                     epilog=_EPILOG, formatter_class=_OneLineHelp)
    parser.add_argument("--version", action="version", version=f"opsdocs {_version()}")
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
    except Exception as exc:  # noqa: BLE001 - anything else is ours to fix, said in one line
        from opsdocs._crash import debugging, report_bug

        if debugging():
            raise
        return report_bug(exc)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
