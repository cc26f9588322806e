"""The shared pieces of work of a run, one builder per memo key.

Keys: ``runbook:<page>`` (run one runbook in its own sandbox), ``static`` (check every wrangler command
against the pinned wrangler), ``devserver`` (the one ``wrangler dev`` of the run), ``health:local``,
``health:deployed``, ``audits`` (zizmor + actionlint), ``site`` (build the site once), ``links``.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from opsdocs.errors import EnvironmentProblem
from opsdocs.report.finding import Finding, Location
from opsdocs.steps._proc import ProcResult
from opsdocs.steps.parse import Runbook
from opsdocs.verify.context import VerifyContext

_SITE_BUILD_TIMEOUT_S = 600.0


def runbooks(ctx: VerifyContext) -> list[Runbook]:
    return ctx.runbooks


def builder(ctx: VerifyContext, key: str) -> Callable[[], Any]:
    if key.startswith("runbook:"):
        page = key.removeprefix("runbook:")
        return lambda: _run_runbook(ctx, page)
    builders: dict[str, Callable[[VerifyContext], Any]] = {
        "static": _static, "devserver": _devserver, "health:local": _health_local,
        "health:deployed": _health_deployed, "audits": _audits, "site": _site, "links": _links,
    }
    if key in _WAITING:
        return lambda: builders[key](ctx)
    return lambda: _timed(ctx, builders[key])


# Builders that mostly wait for another (the dev server, the site): their time is already counted there.
_WAITING = frozenset({"health:local", "links"})


def _timed(ctx: VerifyContext, build: Callable[[VerifyContext], Any]) -> Any:
    """Run a global builder and count its time into the cache: shard 1's head start in the next split."""
    from opsdocs.verify._cache import cache_of

    start = time.perf_counter()
    try:
        return build(ctx)
    finally:
        cache = cache_of(ctx)
        if cache is not None:
            cache.add_global(time.perf_counter() - start)


def _run_runbook(ctx: VerifyContext, page: str) -> list[Finding]:
    from opsdocs.verify._cache import cache_of

    runbook = next(rb for rb in runbooks(ctx) if rb.page == page)
    cache = cache_of(ctx)
    # remote-read steps that really run (a token is set) read live state: such a page is never cached.
    remote = ctx.options.remote_enabled and any(step.mode == "remote-read" for step in runbook.steps)
    reused = cache.get(runbook, remote_steps=remote) if cache is not None else None
    if reused is not None:
        return reused
    start = time.perf_counter()
    findings = _rehearse(ctx, runbook)
    if cache is not None:
        cache.put(runbook, findings, time.perf_counter() - start, remote_steps=remote)
    return findings


def _rehearse(ctx: VerifyContext, runbook: Runbook) -> list[Finding]:
    """Run the page in its own sandbox, from the state another page left after the same leading steps
    when there is one (verify/_share.py), saving the states later pages can start from."""
    from opsdocs.steps.run import run_runbook
    from opsdocs.steps.sandbox import Sandbox
    from opsdocs.verify._share import resolve_all, shared_steps_of

    share = shared_steps_of(ctx)
    claims = share.claim(runbook) if share is not None else {}
    try:
        shared = share.adopt(runbook) if share is not None else None
        reused = len(shared.results) if shared is not None else 0
        for index in [i for i in claims if i < reused]:  # passed over: whoever waits runs them
            claims.pop(index).set_result(None)
        with Sandbox(ctx.project) as sandbox:
            done = shared.results_in(sandbox.folder) if shared is not None else []
            if shared is not None:
                sandbox.load_state(shared.state)

            def save(index: int, result: ProcResult | None) -> None:
                if result is None:  # refused, not run: nobody can start from here
                    resolve_all(claims)
                    return
                done.append(result)
                future = claims.get(index)
                if future is not None and share is not None:
                    future.set_result(share.save(runbook, sandbox, index, done))

            # Which page ran it is left out: that is a race, and a report must not change from run to run.
            note = "(shared: run once for the pages that start with these same steps)" if shared else ""
            return run_runbook(runbook, sandbox, masker=ctx.masker, remote_enabled=ctx.options.remote_enabled,
                               done=tuple(done), note=note, after_step=save)
    finally:
        resolve_all(claims)


def _static(ctx: VerifyContext) -> list[Finding]:
    from opsdocs.steps.static import WranglerHelp, check_step_static, wrangler_paths

    # opsdocs.toolchain: the project's wrangler, else (no node_modules of its own) the one opsdocs pins
    helper = WranglerHelp.for_version(ctx.project.root, in_project=ctx.project_cache is not None)
    steps = [step for rb in runbooks(ctx) for step in rb.steps]
    helper.prefetch(wrangler_paths(steps))
    return [f for step in steps for f in check_step_static(step, ctx.project, helper)]


def _devserver(ctx: VerifyContext) -> str:
    from opsdocs.devserver import DevServer
    from opsdocs.steps.sandbox import Sandbox
    from opsdocs.verify._cache import cache_of

    if ctx.project.missing_build is not None:
        raise EnvironmentProblem(ctx.project.missing_build.reason)
    # The server's sandbox is its own: runbooks may damage their data on purpose (the drills).
    sandbox = ctx.enter(Sandbox(ctx.project))
    # With the rehearsal cache, the migrated local state is kept too (the same trust, the same folder).
    cache = cache_of(ctx)
    state = ctx.project_cache / "dev-state" if cache is not None and ctx.project_cache is not None else None
    server = ctx.enter(DevServer(sandbox, masker=ctx.masker, state_cache=state,
                                 reuse_state=cache is not None and cache.reuse))
    return str(server.base_url)


def _health_local(ctx: VerifyContext) -> list[Finding]:
    from opsdocs.health import run_health_checks

    checks = ctx.project.health_checks
    missing = ctx.project.missing_build
    if missing is not None:  # nothing to serve yet: skipped with the reason, not failed
        return [Finding(f"health:{c.name}@local", "health", "skipped", c.location, missing.reason, check=c.name,
                        subject="local") for c in checks]
    try:
        base_url = ctx.get("devserver", builder(ctx, "devserver"))
    except EnvironmentProblem as err:
        return [Finding(f"health:{c.name}@local", "health", "failed", c.location,
                        f"local wrangler dev did not start: {err}", check=c.name, subject="local") for c in checks]
    return [_relabel(f, base_url, "local") for f in run_health_checks(checks, base_url)]


def _health_deployed(ctx: VerifyContext) -> list[Finding]:
    from opsdocs.health import run_health_checks

    url = ctx.options.deployed_url
    if not url:
        why = "no deployed URL: pass --base-url or set OPSDOCS_BASE_URL to check the deployed Worker"
        return [Finding(f"health:{c.name}@deployed", "health", "skipped", c.location, why, check=c.name,
                        subject="deployed") for c in ctx.project.health_checks]
    return [_relabel(f, url, "deployed") for f in run_health_checks(ctx.project.health_checks, url)]


def _relabel(finding: Finding, base_url: str, label: str) -> Finding:
    """Stable ids: the local server's port changes every run, the report should not."""
    message = finding.message.replace(base_url.rstrip("/"), f"<{label}>") if label == "local" else finding.message
    return replace(finding, id=f"health:{finding.check}@{label}", message=message, subject=label)


def _audits(ctx: VerifyContext) -> list[Finding]:
    from opsdocs.audits import run_workflow_audits

    return run_workflow_audits(ctx.project.root, ctx.project.root / ".github" / "workflows")


def _site(ctx: VerifyContext) -> Path:
    from opsdocs.steps._proc import run

    site_dir = ctx.options.site_dir or ctx.tmpdir("site")
    cmd = [sys.executable, "-c", "import sys; from opsdocs.cli import main; sys.exit(main())",
           "build", "--root", str(ctx.project.root), "--site-dir", str(site_dir),
           "--config-file", str(ctx.project.docs_dir.parent / "mkdocs.yml")]  # the site --site-root names
    result = run(cmd, cwd=Path.cwd(), env=ctx.options.env, timeout_s=_SITE_BUILD_TIMEOUT_S)
    if result.exit_code != 0 or result.timed_out:
        raise _SiteBuildFailed(ctx.masker.mask(result.output))
    return Path(site_dir)


class _SiteBuildFailed(EnvironmentProblem):
    """The strict build refused the site; ``output`` holds MkDocs' warnings (broken links among them)."""

    def __init__(self, output: str) -> None:
        lines = [ln.strip() for ln in output.strip().splitlines() if ln.strip()]
        super().__init__(f"the site did not build: {lines[-1] if lines else 'no output'}",
                         hint="run `opsdocs build` to see why")
        self.lines = lines


# MkDocs' own link validation: "Doc file 'a.md' contains a link 'b.md#x', but ..."
_MKDOCS_LINK = re.compile(r"Doc file '(?P<page>[^']+)' contains a (?:link|relative link) '(?P<link>[^']+)'")


def _build_findings(ctx: VerifyContext, err: _SiteBuildFailed) -> list[Finding]:
    """Each broken link MkDocs named, at the page and line that has it; otherwise the build's last line."""
    out = []
    for line in err.lines:
        m = _MKDOCS_LINK.search(line)
        if not m:
            continue
        page = next((p for p in ctx.pages if p.relpath in (f"docs/{m['page']}", m["page"])), None)
        where = page.relpath if page else f"docs/{m['page']}"
        lineno = next((i for i, text in enumerate(page.source.splitlines(), 1) if m["link"] in text), 1) if page else 1
        message = line.split(": ", 1)[1] if line.lower().startswith(("warning: ", "error: ")) else line
        out.append(Finding(f"link:{where}:{m['link']}", "link", "failed", Location(where, lineno), message,
                           check="site-build", subject=f"{where}:{m['link']}"))
    return out or [Finding("link:site-build", "link", "failed", Location("mkdocs.yml"), str(err), check="site-build")]


def _links(ctx: VerifyContext) -> list[Finding]:
    from opsdocs.links import check_site_links

    start = time.perf_counter()
    try:
        site = ctx.get("site", builder(ctx, "site"))
    except _SiteBuildFailed as err:
        return _build_findings(ctx, err)
    except EnvironmentProblem as err:
        return [Finding("link:site-build", "link", "failed", Location("mkdocs.yml"), str(err),
                        time.perf_counter() - start, check="site-build")]
    cache = ctx.project_cache / "external-links.json" if ctx.project_cache is not None else None
    return check_site_links(site, external=ctx.options.external, cache_path=cache)
