"""``npx``, ``pnpm``, ``yarn``, ``bunx`` inside a sandbox: they run the project's own wrangler, nothing else.

A real ``npx`` reads ``.npmrc`` files (``node-options``, ``script-shell``, a registry) and may download a
package; a step's ``npx wrangler ...`` must run the pinned wrangler with nothing changed around it. The
shims understand exactly the spellings the classifier reads as wrangler (``npx --yes wrangler``,
``pnpm exec wrangler``, ``yarn wrangler``, ``npx wrangler@4 --``) and refuse every other package.
The wrangler path is written into the script, not read from the environment.

One Node per call: wrangler's ``bin/wrangler.js`` only checks the Node version (opsdocs.toolchain already
did) and spawns ``node --no-warnings wrangler-dist/cli.js`` with the same arguments, so the shim starts
that second process itself with the toolchain's ``node`` (linked beside the shims), the same argv and
exit code, half the Node start-ups per step.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from opsdocs.toolchain import cli_js

__all__ = ["write_shims", "RUNNERS"]

RUNNERS = ("npx", "pnpm", "yarn", "bunx", "npm")
_SCRIPT = """#!/bin/sh
# opsdocs sandbox: `{name} wrangler ...` runs the project's own wrangler; nothing else runs through {name}.
while [ $# -gt 0 ]; do
  case "$1" in
    exec|dlx|--) shift ;;
    -*) shift ;;
    wrangler|wrangler@*) shift; [ "${{1-}}" = "--" ] && shift; exec {run} "$@" ;;
    *) break ;;
  esac
done
echo "opsdocs: only \\`{name} wrangler\\` runs in a runbook step (the project's own wrangler)" >&2
exit 127
"""


_CURL = """#!/bin/sh
# opsdocs sandbox: curl never reads a .curlrc (-q must come first to mean that)
exec {curl} -q "$@"
"""


def _wrangler_argv(wrangler: Path) -> str:
    """What the shim execs: ``node --no-warnings cli.js`` as wrangler.js would spawn it (the ``node`` linked
    beside the shim: ``${0%/*}``), else wrangler.js itself when the package is laid out differently."""
    cli = cli_js(wrangler)
    if cli is not None:
        return f'"${{0%/*}}/node" --no-warnings {shlex.quote(str(cli))}'
    return shlex.quote(str(wrangler))


def write_shims(directory: Path, wrangler: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    run = _wrangler_argv(wrangler)
    for name in RUNNERS:
        shim = directory / name
        shim.write_text(_SCRIPT.format(name=name, run=run), encoding="utf-8")
        shim.chmod(0o555)
    curl = shutil.which("curl", path="/usr/local/bin:/usr/bin:/bin")
    if curl is not None:
        (directory / "curl").write_text(_CURL.format(curl=shlex.quote(curl)), encoding="utf-8")
        (directory / "curl").chmod(0o555)
