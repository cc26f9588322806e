"""Property-based fuzzing (hypothesis) of every input reader and the classifier: whatever the input, the
result is a value or one located OpsdocsError - never another exception, never a hang. Bounded by
``max_examples`` (and no per-example deadline: the machine is shared), so it runs in the normal suite."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsdocs.errors import OpsdocsError
from opsdocs.project._jsonc import locate_keys, parse_jsonc
from opsdocs.project._read import decode
from opsdocs.project._yaml import load_yaml
from opsdocs.project.checks import load_health_checks
from opsdocs.project.workflows import load_workflow
from opsdocs.site.pages import RenderedPage
from opsdocs.steps import Step, check_safety, classify
from opsdocs.steps._shell import ShellSyntaxError
from opsdocs.steps.parse import parse_page

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.function_scoped_fixture])
JSONC_ALPHABET = st.sampled_from(list('{}[],:"\'/*\\\n \tabc01-.') + ["//", "/*", "*/", "true", "null", "\x00"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
trees = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                      st.dictionaries(st.text(max_size=8), kids, max_size=4)),
                     max_leaves=30)


def _located(err: OpsdocsError) -> None:
    assert err.path is not None and "\n" not in str(err).strip()


@BOUNDED
@given(st.lists(JSONC_ALPHABET, max_size=80).map("".join))
def test_jsonc_text_is_a_value_or_a_located_error(text: str) -> None:
    try:
        parse_jsonc(text, "wrangler.jsonc")
    except OpsdocsError as err:
        _located(err)
    locate_keys(text)  # never raises, whatever the text


@BOUNDED
@given(trees)
def test_jsonc_of_any_tree_round_trips(tree: object) -> None:
    text = json.dumps(tree, indent=1)
    assert parse_jsonc(text, "w.jsonc") == json.loads(text)


@BOUNDED
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_fail_located(data: bytes) -> None:
    try:
        decode(data, "x.yml")
    except OpsdocsError as err:
        _located(err)


@BOUNDED
@given(st.text(max_size=120))
def test_yaml_text_is_a_value_or_a_located_error(text: str) -> None:
    try:
        load_yaml(text, "x.yml")
    except OpsdocsError as err:
        _located(err)


def _write(tmp: Path, name: str, tree: object) -> Path:
    path = tmp / name
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    return path


@BOUNDED
@given(trees, st.sampled_from(["on", "jobs", "env", "steps", "uses", "run", "needs", "environment", "with"]))
def test_workflows_of_any_shape(tmp_path_factory: object, tree: object, key: str) -> None:
    tmp = tmp_path_factory.mktemp("wf")  # type: ignore[attr-defined]
    shapes = [tree, {"on": "push", key: tree},
              {"on": "push", "jobs": {"a": {"runs-on": "x", key: tree, "steps": [{key: tree}]}}}]
    for i, shape in enumerate(shapes):
        try:
            load_workflow(_write(tmp, f"w{i}.yml", shape), tmp)
        except OpsdocsError as err:
            _located(err)


@BOUNDED
@given(trees)
def test_health_checks_of_any_shape(tmp_path_factory: object, tree: object) -> None:
    tmp = tmp_path_factory.mktemp("hc")  # type: ignore[attr-defined]
    for shape in (tree, [tree], [{"name": "h", "path": "/", "status": tree, "json": tree}]):
        try:
            load_health_checks(_write(tmp, "health.yml", shape), tmp)
        except OpsdocsError as err:
            _located(err)


FENCE_PARTS = st.sampled_from(["```", "````", "~~~", "```bash", '```{.bash data-mode="rehearse"}',
                               '```{.bash data-mode="never" data-why="x"}', "<!--", "-->", "> ", "    ", "- ",
                               '!!! note\n    ```{.bash data-mode="rehearse"}', "echo hi", "\n", "{{ x }}",
                               '=== "Tab"\n    ', 'data-expect-re="(a+)+$"'])


@BOUNDED
@given(st.lists(FENCE_PARTS, max_size=30).map("".join))
def test_pages_are_runbooks_or_located_errors(text: str) -> None:
    page = RenderedPage(relpath="docs/p.md", path=Path("/nonexistent/p.md"), source=text, text=text)
    try:
        parse_page(page)
    except OpsdocsError as err:
        _located(err)


SHELL_PARTS = st.sampled_from(["wrangler", "npx", "wrangler@4", "d1", "execute", "db", "deploy", "dev",
                               "migrations", "apply", "--remote", "--local", "--remote=false", "--no-remote",
                               "--dry-run", "--dry-run=false", "false", "true", "-v", "--help", "-h", "--", "-r",
                               "--command", "'DELETE FROM t'", '"SELECT 1"', "$X", "${X:-y}", "$'x'", "{a,b}",
                               "*", "-*", "~", "X=1", "export", "|", "&&", ";", "\n", "&", "$(id)", "`id`", "(",
                               ")", "<<EOF", ">", "/tmp/x", "curl", "-X", "POST", "--next", "http://127.0.0.1/",
                               "https://x.example/", "sort", "-o", "sed", "-i.bak", "sqlite3", "'", '"', "\\"])


@BOUNDED
@given(st.lists(SHELL_PARTS, max_size=25).map(" ".join), st.sampled_from(["rehearse", "remote-read", "never"]))
def test_the_classifier_never_crashes(command: str, mode: str) -> None:
    step = Step(page="docs/p.md", line=1, mode=mode, command=command, title=None,  # type: ignore[arg-type]
                why="w", expect=None, expect_re=None)
    try:
        classify(command)
    except ShellSyntaxError:
        pass
    try:
        check_safety(step)
    except OpsdocsError as err:
        _located(err)


@BOUNDED
@given(st.lists(st.sampled_from(["--remote", "--remote=true", "--remote true", "-r", "--no-local", "--local=false",
                                 "--local false", "--local", "--no-remote", "--remote=false"]), min_size=1,
                max_size=4))
def test_a_remote_reading_never_passes_as_local(flags: list[str]) -> None:
    """Any spelling that yargs could read as remote (given once) or any repeat: never allowed offline."""
    command = "wrangler d1 execute db --command 'DELETE FROM t' " + " ".join(flags)
    step = Step(page="docs/p.md", line=1, mode="rehearse", command=command, title=None,  # type: ignore[arg-type]
                why=None, expect=None, expect_re=None)
    try:
        check_safety(step)
        allowed = True
    except OpsdocsError:
        allowed = False
    assert allowed == _wrangler_reads_local(flags), flags


def _wrangler_reads_local(flags: list[str]) -> bool:
    """The oracle, written apart from the classifier: yargs values, then wrangler's isLocal
    (``local === true || remote === false``); a key given twice is an array, neither true nor false."""
    values = {"--remote": ("remote", True), "--remote=true": ("remote", True), "--remote true": ("remote", True),
              "-r": ("remote", True), "--no-remote": ("remote", False), "--remote=false": ("remote", False),
              "--no-local": ("local", False), "--local=false": ("local", False), "--local false": ("local", False),
              "--local": ("local", True)}
    given: dict[str, list[bool]] = {}
    for flag in flags:
        key, value = values[flag]
        given.setdefault(key, []).append(value)
    if any(len(v) > 1 for v in given.values()):
        return False  # an array: fail closed
    local, remote = given.get("local", [None])[0], given.get("remote", [None])[0]
    if local is True and remote is True:
        return False  # wrangler refuses both; counted as remote
    return remote is False or local is True or (local is None and remote is None)
