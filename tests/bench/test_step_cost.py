"""Per-step cost: `npx wrangler ...` in a sandbox starts one Node, and still means what it meant."""

from __future__ import annotations

from pathlib import Path

from opsdocs.project.load import load_project
from opsdocs.steps.sandbox import Sandbox

# Every Node that starts with this NODE_OPTIONS appends one line: the count of Node start-ups of a call.
_COUNTER = "require('fs').appendFileSync(__dirname + '/node-starts', process.argv[1] + '\\n');\n"


def _starts(sandbox: Sandbox, command: str) -> tuple[int, str, list[str]]:
    (sandbox.root / "count.js").write_text(_COUNTER)
    result = sandbox.run(f'NODE_OPTIONS="--require $PWD/count.js" {command}', 120.0)
    starts = (sandbox.root / "node-starts").read_text().splitlines()
    (sandbox.root / "node-starts").unlink()
    return result.exit_code, result.output, starts


def test_npx_wrangler_starts_one_node(make_project) -> None:
    root: Path = make_project()
    with Sandbox(load_project(root)) as sandbox:
        version = sandbox.toolchain.wrangler_version
        for runner in ("npx wrangler", "npx --yes wrangler@4 --", "pnpm exec wrangler", "yarn wrangler"):
            code, output, starts = _starts(sandbox, f"{runner} --version")
            assert code == 0 and version in output, (runner, output)
            assert len(starts) == 1 and starts[0].endswith("wrangler-dist/cli.js"), (runner, starts)


def test_exit_code_and_refusal_unchanged(make_project) -> None:
    root: Path = make_project()
    with Sandbox(load_project(root)) as sandbox:
        code, output, _ = _starts(sandbox, "npx wrangler d1 execute no-such-db --local --command 'SELECT 1'")
        assert code != 0 and "no-such-db" in output
        other = sandbox.run("npx cowsay hi", 30.0)
        assert other.exit_code == 127 and "only `npx wrangler`" in other.output
