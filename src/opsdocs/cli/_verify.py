"""``opsdocs verify``: every check of a wrangler project, through the pytest plugin, with reports.

Exit 0 only when nothing failed; 2 for an input error (one located line), 1 for failed checks.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from opsdocs._fs import relpath
from opsdocs.errors import ConfigError
from opsdocs.report.finding import Finding
from opsdocs.report.model import Report


def register(sub: Any) -> None:
    p = sub.add_parser("verify", help="check the docs against reality (runbooks, health, drift, links, workflows)",
                       description="Rehearse every documented command, run the health checks, the drift rules, "
                                   "the link check and the workflow audits; write reports.")
    p.add_argument("--root", type=Path, default=None, help="the wrangler project (default: $OPSDOCS_ROOT, else the nearest folder at or above "
                        "the current one with a wrangler config)")
    p.add_argument("--site-root", type=Path, default=None,
                   help="the folder with mkdocs.yml, docs/ and runbooks/ (default: the built-in guides)")
    p.add_argument("--base-url", default=None, help="a deployed Worker to health-check (or OPSDOCS_BASE_URL)")
    p.add_argument("--external", action="store_true", help="check external links too (network)")
    p.add_argument("--report", type=Path, default=None,
                   help="JSON report path (default: <root>/.opsdocs/report.json)")
    p.add_argument("--junit", type=Path, default=None, help="write JUnit XML here")
    p.add_argument("-k", dest="keyword", default=None, help="only checks whose name matches (pytest -k)")
    p.add_argument("-m", dest="markexpr", default=None,
                   help="only checks with these markers, e.g. 'rehearse or health' (pytest -m)")
    p.add_argument("--require-isolation", action="store_true",
                   default=os.environ.get("OPSDOCS_REQUIRE_ISOLATION", "") not in ("", "0", "false"),
                   help="fail when rehearsals cannot run in the kernel sandbox (bubblewrap); "
                        "also OPSDOCS_REQUIRE_ISOLATION=1")
    p.add_argument("--plain", action="store_true", help="plain lines, no colours or progress bar")
    p.add_argument("--build", action="store_true",
                   help="when the config's main is a build output not built yet (OpenNext), run the project's "
                        "build script from package.json first")
    p.add_argument("--no-cache", action="store_true",
                   help="rehearse every page, reusing nothing from .opsdocs/cache/rehearsals.json (still recorded "
                        "for the next run: the nightly run)")
    p.add_argument("--no-shared-steps", action="store_true",
                   help="run every page's leading steps itself; by default pages that start with the same "
                        "steps run them once and continue from the state they leave")
    p.add_argument("--shard", default=None, metavar="I/N",
                   help="run only shard I of N (a CI matrix job): pages balanced by their recorded times, the "
                        "global checks in shard 1; join the reports with `opsdocs report merge`")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import pytest

    from opsdocs.pytest_plugin import OpsdocsSession
    from opsdocs.report.console import ConsoleReporter
    from opsdocs.report.github import emit_github
    from opsdocs.steps._proc import install_interrupt_handlers

    install_interrupt_handlers()  # here, on the main thread: the work itself starts in a thread pool

    if getattr(args, "shard", None):
        from opsdocs.verify._shard import parse_shard

        args.shard = parse_shard(args.shard)  # a bad I/N is one line, before anything loads
    options, ctx = _context(args)
    reporter = ConsoleReporter(force_plain=True if args.plain else None)
    state: dict[str, Any] = {}
    rank = {"failed": 0, "skipped": 1, "passed": 2}

    def on_item(findings: list[Finding]) -> None:
        if findings:  # one tick per check: its worst finding (the summary lists every failure)
            reporter.advance(min(findings, key=lambda f: rank[f.status]))

    def on_report(report: Report) -> None:
        state["report"] = report
        reporter.finish(report)
        _say_reused(ctx)
        emit_github(report)

    session = OpsdocsSession(options, ctx=ctx, on_start=lambda n: reporter.start(total=n), on_item=on_item,
                             on_report=on_report)
    with tempfile.TemporaryDirectory(prefix="opsdocs-pytest-") as empty:
        # An empty directory and no ini file: pytest collects only our checks, never a project's own tests.
        argv = [empty, "--rootdir", empty, "-c", os.devnull, "-p", "no:cacheprovider", "-p", "no:terminal",
                "-p", "no:warnings", "--noconftest"]
        if args.keyword:
            argv += ["-k", args.keyword]
        if args.markexpr:
            argv += ["-m", args.markexpr]
        plugins: list[Any] = [session]
        if args.shard:
            from opsdocs.verify._shard import ShardPlugin

            plugins.append(ShardPlugin(ctx, args.shard))
        code = pytest.main(argv, plugins=plugins)
    return _exit_code(session, int(code), state.get("report"))


def _context(args: argparse.Namespace) -> tuple[Any, Any]:
    """The run's options and its loaded context; input errors raise here, with their one line, before
    anything runs."""
    from opsdocs.project.load import default_root, load_project
    from opsdocs.site.render import render_pages
    from opsdocs.verify.context import VerifyContext, VerifyOptions

    root = (args.root or default_root()).resolve()
    if args.site_root is not None and not (args.site_root / "mkdocs.yml").is_file():
        raise ConfigError("no mkdocs.yml in the site root", path=args.site_root,
                          hint="pass --site-root with the folder holding mkdocs.yml, docs/ and runbooks/")
    for flag, path in (("--report", args.report), ("--junit", args.junit)):
        if path is not None:
            _check_writable(flag, path)  # before anything runs: a run's results must not be lost at the end
    if args.base_url:  # remote-read steps (`opsdocs health --base-url "$OPSDOCS_BASE_URL"`) check it too
        os.environ["OPSDOCS_BASE_URL"] = args.base_url
    options = VerifyOptions(root=root, base_url=args.base_url, external=args.external,
                            report=args.report or root / ".opsdocs" / "report.json", junit=args.junit,
                            require_isolation=args.require_isolation, workers=_workers(),
                            share_steps=not getattr(args, "no_shared_steps", False))
    # Input errors (config, a page without a mode) stop here with their one line, before anything runs.
    project = load_project(root, site_root=args.site_root)
    if getattr(args, "build", False) and project.missing_build is not None:
        _build(project)
        project = load_project(root, site_root=args.site_root)
    pages = render_pages(project, site_root=args.site_root)
    ctx = VerifyContext(options, project=project, pages=pages)
    try:
        ctx.runbooks  # a page's bad block is an input error too: parsed once, here
        _enable_cache(ctx, reuse=not getattr(args, "no_cache", False))
    except BaseException:
        ctx.close()
        raise
    return options, ctx


def _say_reused(ctx: Any) -> None:
    from opsdocs.verify._cache import cache_of

    cache = cache_of(ctx)
    if cache is not None and cache.reused:
        when = sorted(set(cache.reused.values()))
        print(f"opsdocs: reused the passing rehearsals of {len(cache.reused)} unchanged page(s) "
              f"(recorded {when[0]}{f' to {when[-1]}' if len(when) > 1 else ''}); --no-cache re-runs them",
              file=sys.stderr)


def _enable_cache(ctx: Any, *, reuse: bool) -> None:
    """Reuse unchanged pages' passing rehearsals (with --no-cache: none, but record this run's for the next
    and for shard balancing); without a usable toolchain the preflight says why later."""
    from opsdocs.errors import EnvironmentProblem
    from opsdocs.verify._cache import RehearsalCache, enable

    if ctx.project_cache is None:
        from opsdocs._fs import project_cache_dir

        folder = relpath(project_cache_dir(ctx.project.root), Path.cwd())
        print(f"opsdocs: {folder}/ is committed to git, so this run neither reuses nor writes it (a commit "
              f"could claim a pass); untrack it with `git rm -r --cached {folder}` and ignore `.opsdocs/`",
              file=sys.stderr)
        return
    try:
        cache = RehearsalCache.for_run(ctx, reuse=reuse)
    except EnvironmentProblem:
        return
    if cache is not None:
        enable(ctx, cache)


def _workers() -> int:
    """Runbook pages run concurrently up to the core count; two more threads for the builders that only
    wait (the dev server starting, the link check waiting for the site)."""
    return (os.cpu_count() or 2) + 2


def _exit_code(session: Any, code: int, report: Report | None) -> int:
    """0 only when nothing failed; 2 for what was already said in one line; 1 for failures."""
    from pytest import ExitCode

    if session.report_error is not None:
        return 2  # already said, in one line
    if code == ExitCode.INTERNAL_ERROR and session.internal_error is not None:
        from opsdocs._crash import report_bug

        return report_bug(session.internal_error, where="during verify")
    if session.preflight_error is not None:
        print(f"opsdocs: {session.preflight_error}", file=sys.stderr)
        return 2
    if code == ExitCode.USAGE_ERROR:
        print("opsdocs: invalid -k/-m expression; use pytest's syntax, e.g. -k 'rollback and not never'",
              file=sys.stderr)
        return 2
    if code == ExitCode.INTERRUPTED:
        from opsdocs.steps._proc import interrupted_by

        sig = interrupted_by()
        print(f"opsdocs: interrupted{f' by signal {sig}' if sig else ''}; the report keeps what finished",
              file=sys.stderr)
        return 128 + (sig or 2)
    if report is None:
        print(f"opsdocs: verification did not complete (pytest exit {code})", file=sys.stderr)
        return 1
    if report.summary.total == 0 and report.header.shard is not None:
        # A matrix wider than the pages, or a -k that selects pages of other shards: not a failure of
        # this job. The (empty) report is written all the same, and `report merge` still needs it.
        print(f"opsdocs: shard {report.header.shard.label} has no checks to run (the others have them all)",
              file=sys.stderr)
        return 0
    if report.summary.total == 0:
        print("opsdocs: no checks selected", file=sys.stderr)
        return 1
    return 1 if report.summary.failed else 0


def _build(project: Any) -> None:
    """Run the project's own build (argv from package.json) where its config is, without credentials."""
    from opsdocs.errors import EnvironmentProblem
    from opsdocs.steps._proc import run

    missing = project.missing_build
    if missing.command is None:
        raise EnvironmentProblem(missing.reason, path=project.wrangler.relpath)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDFLARE_", "CF_"))}
    print(f"opsdocs: building first: {' '.join(missing.command)}", file=sys.stderr)
    try:
        result = run(list(missing.command), cwd=project.wrangler.path.parent, env=env, timeout_s=900)
    except OSError as err:  # the package manager is not installed
        raise EnvironmentProblem(f"cannot run the build `{' '.join(missing.command)}`: {err.strerror}",
                                 path=project.wrangler.relpath, hint="install it, or build yourself first") from None
    if result.exit_code != 0 or result.timed_out:
        last = next((ln for ln in reversed(result.output.splitlines()) if ln.strip()), "")
        why = "timed out after 900 s" if result.timed_out else f"exit {result.exit_code}: {last.strip()[:200]}"
        raise EnvironmentProblem(f"the build `{' '.join(missing.command)}` failed ({why})",
                                 path=project.wrangler.relpath,
                                 hint="run it yourself to see the whole output, then verify again")


def _check_writable(flag: str, path: Path) -> None:
    """The nearest existing ancestor of ``path`` must be a writable directory (the rest is created), and an
    existing file there must be one opsdocs wrote (a report, or JUnit XML it made): never anything else."""
    if path.is_dir():
        raise ConfigError(f"{flag} names a directory", path=path, hint=f"pass {flag} DIR/report-file")
    if path.exists() or path.is_symlink():
        _check_ours(flag, path)
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ConfigError(f"cannot write {flag} here: {parent} is not a directory", path=path,
                          hint=f"pass {flag} with a path in a writable directory")
    try:  # really try: access() says yes to root everywhere, even where nothing can be created
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".opsdocs-probe-"):
            pass
    except OSError:
        raise ConfigError(f"cannot write {flag} here: {parent} is not writable", path=path,
                          hint=f"pass {flag} with a path in a writable directory") from None


def _check_ours(flag: str, path: Path) -> None:
    """Refuse to replace a file that is not an opsdocs report (or our JUnit file), a link or a special file."""
    import stat

    from opsdocs.report.json import read_report

    hint = f"pass {flag} with a new file name, or delete the file if it is yours to replace"
    mode = path.lstat().st_mode
    if not stat.S_ISREG(mode):
        raise ConfigError(f"{flag} names a link or a special file, not a report; refusing to replace it",
                          path=path, hint=hint)
    if path.stat().st_size > 64 << 20:
        raise ConfigError(f"{flag} names a large file that is not an opsdocs report; refusing to overwrite it",
                          path=path, hint=hint)
    if flag == "--junit":
        head = path.read_bytes()[:4096]
        if b"<testsuites" in head and b'name="opsdocs"' in head or not head.strip():
            return
        raise ConfigError(f"{flag} names a file that is not opsdocs JUnit XML; refusing to overwrite it",
                          path=path, hint=hint)
    try:
        read_report(path)
    except ConfigError:
        if path.stat().st_size == 0:
            return  # an empty file (touch): nothing to lose
        raise ConfigError(f"{flag} names a file that is not an opsdocs report; refusing to overwrite it",
                          path=path, hint=hint) from None
