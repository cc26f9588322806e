"""Load ``.github/workflows/*.yml``: triggers, jobs and their ``needs``, environments, permissions,
timeouts, the actions used and every ``secrets.X`` reference with its file and line."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from opsdocs.errors import ConfigError
from opsdocs.project._yaml import LineDict, line_of, load_yaml
from opsdocs.project.model import ActionRef, Job, Location, SecretRef, Step, Workflow

# secrets.NAME and secrets['NAME'] inside expressions (${{ }} or bare `if:` conditions).
_SECRET = re.compile(r"""\bsecrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*['"]([^'"]+)['"]\s*\])""")


def load_workflows(directory: Path, root: Path) -> tuple[Workflow, ...]:
    if not directory.is_dir():
        return ()
    files = sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")], key=lambda p: p.name)
    return tuple(load_workflow(path, root) for path in files)


def _rel(path: Path, root: Path) -> str:
    """Relative to the project root, with ``..`` when the workflows live in a monorepo's root."""
    return os.path.relpath(path.resolve(), root.resolve()).replace(os.sep, "/")


def load_workflow(path: Path, root: Path) -> Workflow:
    rel = _rel(path, root)
    from opsdocs.project._read import read_input

    try:
        text = read_input(path, rel, limit=4 << 20, what="workflow")
    except FileNotFoundError:
        raise ConfigError("cannot read: the workflow does not exist", path=rel, hint="check the file exists") from None
    data = load_yaml(text, rel)
    if not isinstance(data, LineDict):
        raise ConfigError(f"a workflow must be a mapping, got {_yaml_kind(data)}", path=rel, line=1,
                          hint="start with `name:`, `on:` and `jobs:` keys")

    def fail(container: Any, key: str | int, message: str, hint: str) -> ConfigError:
        return ConfigError(message, path=rel, line=line_of(container, key), hint=hint)

    if "on" not in data:
        raise ConfigError("missing 'on:' (the workflow's triggers)", path=rel, line=1,
                          hint="add e.g. `on: push`")
    triggers = _triggers(data["on"])
    jobs_raw = data.get("jobs")
    if not isinstance(jobs_raw, LineDict) or not jobs_raw:
        raise fail(data, "jobs", "'jobs' must be a non-empty mapping of job ids to jobs",
                   "add `jobs:` with at least one job")
    jobs: dict[str, Job] = {}
    # A job's block ends on the line before the next job's key (or at the end of `jobs:`).
    starts = [line_of(jobs_raw, k) for k in jobs_raw]
    ends = dict(zip(jobs_raw, [s - 1 for s in starts[1:]] + [max(jobs_raw.end, starts[-1])], strict=True))
    for job_id, job_raw in jobs_raw.items():
        if not isinstance(job_raw, LineDict):
            raise fail(jobs_raw, job_id, f"job '{job_id}' must be a mapping", "give it `runs-on:` and `steps:`")
        if "runs-on" not in job_raw and "uses" not in job_raw:
            raise fail(jobs_raw, job_id, f"job '{job_id}' has neither 'runs-on' nor 'uses'",
                       "add `runs-on: ubuntu-latest` or call a reusable workflow with `uses:`")
        jobs[job_id] = _job(job_id, job_raw, rel, fail, line_of(jobs_raw, job_id), ends[job_id])
    for job in jobs.values():
        for need in job.needs:
            if need not in jobs:
                raise ConfigError(f"job '{job.id}' needs unknown job '{need}'", path=rel,
                                  line=job.location.line, hint=_one_of(list(jobs), need))
    secrets = _secrets(text, rel, tuple(jobs.values()))
    actions = tuple(
        _action(uses, rel, job.id, loc)
        for job in jobs.values()
        for uses, loc in ([(job.uses, job.location)] if job.uses else [])
        + [(s.uses, s.location) for s in job.steps if s.uses]
    )
    name = data.get("name")
    if data.get("env") is not None and not isinstance(data.get("env"), dict):
        raise fail(data, "env", f"'env' must be a mapping, got {_yaml_kind(data['env'])}",
                   "write `env:` followed by indented `NAME: value` lines")
    return Workflow(
        path=path.resolve(), relpath=rel, name=str(name) if name else path.stem, triggers=triggers,
        permissions=data.get("permissions"), concurrency=data.get("concurrency"),
        env=_mapping(data.get("env")), jobs=jobs, secrets=secrets, actions=actions,
        location=Location(rel, 1),
    )


def _yaml_kind(value: Any) -> str:
    """What a YAML value is, in YAML's words (never an internal class name such as LineList)."""
    if value is None:
        return "an empty file"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    return "text" if isinstance(value, str) else "a value of another kind"


def _triggers(on: Any) -> dict[str, Any]:
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {str(t): None for t in on}
    if isinstance(on, dict):
        return dict(on)
    return {}


def _job(job_id: str, raw: LineDict, rel: str, fail: Any, line: int, end: int) -> Job:
    needs = raw.get("needs") or []
    if isinstance(needs, str):
        needs = [needs]
    if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
        raise fail(raw, "needs", f"job '{job_id}': 'needs' must be a job id or a list of job ids",
                   "write `needs: [quality]`")
    _job_types(job_id, raw, fail)
    env = raw.get("environment")
    env_name, env_url = (env.get("name"), env.get("url")) if isinstance(env, dict) else (env, None)
    steps_raw = raw.get("steps") or []
    if not isinstance(steps_raw, list):
        raise fail(raw, "steps", f"job '{job_id}': 'steps' must be a list", "write each step as `- name: ...`")
    steps = []
    for i, s in enumerate(steps_raw):
        if not isinstance(s, dict):
            raise ConfigError(f"job '{job_id}': step {i + 1} must be a mapping", path=rel,
                              line=line_of(steps_raw, i), hint="start the step with `- name:`")
        for key in ("uses", "run", "working-directory", "shell"):
            if s.get(key) is not None and not isinstance(s[key], str):
                raise ConfigError(f"job '{job_id}': step {i + 1}: '{key}' must be a string, got {_yaml_kind(s[key])}",
                                  path=rel, line=line_of(s, key, line_of(steps_raw, i)),
                                  hint=f"write `{key}: ...` as one line of text")
        for key in ("name", "id", "if"):
            if isinstance(s.get(key), (dict, list)):
                raise ConfigError(f"job '{job_id}': step {i + 1}: '{key}' must be a single value, got "
                                  f"{_yaml_kind(s[key])}", path=rel, line=line_of(s, key, line_of(steps_raw, i)),
                                  hint=f"write `{key}: ...` on one line")
        for key in ("with", "env"):
            if s.get(key) is not None and not isinstance(s[key], dict):
                raise ConfigError(f"job '{job_id}': step {i + 1}: '{key}' must be a mapping", path=rel,
                                  line=line_of(s, key, line_of(steps_raw, i)),
                                  hint=f"write `{key}:` followed by indented `name: value` lines")
        steps.append(Step(
            name=s.get("name"), id=s.get("id"), uses=s.get("uses"), run=s.get("run"),
            with_=_mapping(s.get("with")), env=_mapping(s.get("env")), if_=_str(s.get("if")),
            location=Location(rel, line_of(steps_raw, i)),
            working_directory=_str(s.get("working-directory")),
        ))
    return Job(
        id=job_id, name=raw.get("name"), workflow=rel, needs=tuple(needs),
        environment=str(env_name) if env_name else None, environment_url=env_url,
        permissions=raw.get("permissions"), timeout_minutes=raw.get("timeout-minutes"),
        concurrency=raw.get("concurrency"), runs_on=raw.get("runs-on"), if_=_str(raw.get("if")),
        uses=raw.get("uses"), steps=tuple(steps), location=Location(rel, line), end_line=end,
        env=dict(raw.get("env") or {}) if isinstance(raw.get("env"), dict) else {},
        working_directory=_defaults_dir(raw.get("defaults")),
    )


def _job_types(job_id: str, raw: LineDict, fail: Any) -> None:
    """Wrong YAML types in a job (``env:`` as a list, ``uses:`` as a number) are located errors."""
    checks = (("env", dict, "a mapping", "indented `NAME: value` lines"),
              ("uses", str, "a string", "`uses: ./.github/workflows/x.yml` or `owner/repo/path@ref`"),
              ("environment", (str, dict), "a name or a mapping", "`environment: production`"),
              ("name", (str, int, float, bool), "a single value", "`name: ...` on one line"),
              ("if", (str, int, float, bool), "a single value", "`if: ...` on one line"))
    for key, kind, what, how in checks:
        value = raw.get(key)
        if value is not None and not isinstance(value, kind):
            raise fail(raw, key, f"job '{job_id}': '{key}' must be {what}, got {_yaml_kind(value)}", f"write {how}")
    env = raw.get("environment")
    if isinstance(env, dict) and env.get("name") is not None and not isinstance(env.get("name"), str):
        raise fail(env, "name", f"job '{job_id}': 'environment.name' must be a string", "write `name: production`")


def _defaults_dir(defaults: Any) -> str | None:
    run = defaults.get("run") if isinstance(defaults, dict) else None
    return _str(run.get("working-directory")) if isinstance(run, dict) else None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _secrets(text: str, rel: str, jobs: tuple[Job, ...]) -> tuple[SecretRef, ...]:
    """Every secrets.X reference with its job: linear (one bisect per reference, not a scan of the jobs)."""
    import bisect

    ordered = sorted(jobs, key=lambda j: j.location.line)
    starts = [j.location.line for j in ordered]
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if "secrets" not in line or line.lstrip().startswith("#"):
            continue
        for m in _SECRET.finditer(line):
            k = bisect.bisect_right(starts, lineno) - 1
            job = ordered[k].id if k >= 0 and lineno <= ordered[k].end_line else None
            out.append(SecretRef(name=m.group(1) or m.group(2), workflow=rel, job=job,
                                 location=Location(rel, lineno, m.start() + 1)))
    return tuple(out)


def _action(uses: str, rel: str, job: str, loc: Location) -> ActionRef:
    action, _, ref = uses.partition("@")
    return ActionRef(uses=uses, action=action, ref=ref or None, workflow=rel, job=job, location=loc)


def _mapping(value: object) -> dict[str, Any]:
    """A YAML mapping as loaded (a LineDict keeps each key's line, which drift rules point at), else {}."""
    return value if isinstance(value, dict) else {}


def _one_of(job_ids: list[str], wrong: str, shown: int = 8) -> str:
    """The hint: the closest job ids first, a few only (one line, also for a workflow of thousands)."""
    import difflib

    close = difflib.get_close_matches(wrong, job_ids, n=3, cutoff=0.6)
    rest = [j for j in job_ids if j not in close]
    picked = close + rest[: max(0, shown - len(close))]
    more = len(job_ids) - len(picked)
    return "use one of: " + ", ".join(picked) + (f" (and {more} more)" if more > 0 else "")
