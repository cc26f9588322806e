"""Record the README's terminal session: ``opsdocs run`` on a rollback drill, driven through tmux.

    .venv/bin/python tests/runmode/record_session.py   # writes assets/screenshots/opsdocs-run.{svg,txt}

The project is the shipped one plus a Durable Object migration (so the readiness banner has something to
say); the drill is ``conftest.ROLLBACK_DRILL``. Not a test: the tests assert on the same flow.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from conftest import make_drills  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.text import Text  # noqa: E402
from terminal import OPSDOCS, Terminal  # noqa: E402

PROMPT = r"\[r\]un  \[s\]kip  \[e\]dit  \[q\]uit > "
OUT = HERE.parents[1] / "assets" / "screenshots"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root, site = make_drills(base / "drills")
        (root / ".dev.vars").write_text("CLOUDFLARE_API_TOKEN=cf-recorded-secret\n")
        log = base / "incident.jsonl"
        term = Terminal(base, [OPSDOCS, "run", "rollback-drill", "--root", str(root), "--site-root", str(site),
                               "--offline", "--log", str(log)], env={"CLOUDFLARE_API_TOKEN": "cf-recorded-secret"},
                        cwd=base)
        try:
            for count in (1, 2):
                term.wait_for(PROMPT, count=count)
                term.type("r")
                term.wait_for(r"✓ as expected", count=count)
            term.wait_for(PROMPT, count=3)
            term.type("r")
            term.wait_for(r"Type the name of the database")
            term.type("ledger-db")
            term.wait_for(PROMPT, count=4)
            term.type("q")
            term.wait_for(r"Resume with")
            ansi = term.screen_ansi()
        finally:
            term.close()
    ansi = ansi.replace(tmp, "/tmp/drill")
    ansi = re.sub(r"\n\s*\n\s*$", "\n", ansi.split("[exit")[0])
    console = Console(record=True, width=150, force_terminal=True, color_system="truecolor", file=open("/dev/null", "w"))
    console.print(Text.from_ansi(ansi))
    OUT.mkdir(parents=True, exist_ok=True)
    console.save_svg(str(OUT / "opsdocs-run.svg"), title="opsdocs run rollback-drill")
    (OUT / "opsdocs-run.txt").write_text(Text.from_ansi(ansi).plain, encoding="utf-8")
    print(f"wrote {OUT / 'opsdocs-run.svg'}")


if __name__ == "__main__":
    main()
