"""Bad inputs met at run time: broken pages (in a copy of the site), misbehaving health targets (real
loopback servers), and a machine without wrangler, Node or a free port."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from opsdocs.project.load import CHECKOUT_ROOT
from opsdocs.toolchain import NODE_MODULES_ENV

from catalogue_config import HEALTH, Case, Run, build, project_copy, verify
from catalogue_helpers import (
    bin_dir_without,
    bound_port,
    closed_port,
    copy_site,
    edit,
    http_server,
    line_of,
    redirect_loop,
    respond,
)

PAGE = "docs/troubleshooting.md"  # a page whose end is plain prose: appended text starts a new block

# --- pages (a copy of the site: mkdocs.yml, docs/, runbooks/) -----------------------------------------


def page(text: str, word: str, *, how: str = "verify", rel: str = PAGE,
         offset: int = 0) -> Callable[[Path, ExitStack], Run]:
    """Append ``text`` to a page of a site copy; the expected line is where it starts (+ ``offset``).
    ``how``: build, verify (load only), drift, static/rehearse (that one step, by -k)."""

    def make(tmp: Path, _: ExitStack) -> Run:
        p, site = project_copy(tmp), copy_site(tmp / "site")
        before = len((site / rel).read_text().splitlines())
        with (site / rel).open("a") as fh:
            fh.write("\n" + text)
        first = before + 2
        where = f"{rel}:{first + offset}"
        if how == "build":
            return Run(build(p, "--config-file", str(site / "mkdocs.yml")), where, word)
        argv = verify(p, "--site-root", str(site))
        if how == "verify":
            return Run(argv, where, word)
        if how == "drift":
            return Run([*argv, "-m", "drift"], where, word, "finding")
        return Run([*argv, "-m", how, "-k", f"{Path(rel).name}:{first}"], where, word, "finding", timeout=300)

    return make


def mkdocs_yml(old: str, new: str, needle: str | None, word: str) -> Callable[[Path, ExitStack], Run]:
    def make(tmp: Path, _: ExitStack) -> Run:
        p, site = project_copy(tmp), copy_site(tmp / "site")
        edit(site / "mkdocs.yml", old, new)
        config = site / "mkdocs.yml"
        where = f"{config}:{line_of(config, needle)}" if needle else str(config)
        return Run(build(p, "--config-file", str(config)), where, word)

    return make


NEVER = '```{.bash title="Force it" data-mode="never" data-why="Rolls production back."}\n'
REMOTE_WRITE = ('```{.bash title="Apply" data-mode="rehearse"}\n'
                '{{ wrangler("d1 migrations apply", target_db.name, "--remote", env=target) }}\n```\n')

# Runs wrangler for real in the sandbox (which must keep wrangler's update-check/ out of TMPDIR).
EXPECT_MISMATCH = ('```{.bash title="Pending" data-mode="rehearse" data-expect="9.9.9"}\n'
                   '{{ wrangler("d1 migrations list", db.binding) }}\n```\n')


# --- health targets (real loopback servers) ------------------------------------------------------------

ONE_CHECK = ("# one check, no retries: a failure is final at once\n- name: health\n  path: /health\n  json:\n"
             "    status: ok\n  latency_ms: 400\n  retries: 0\n  timeout: 3\n")


def health(serve: Callable[[ExitStack], str], word: str) -> Callable[[Path, ExitStack], Run]:
    """``opsdocs health --base-url`` (root: the working directory) against what ``serve`` starts."""

    def make(tmp: Path, stack: ExitStack) -> Run:
        p = project_copy(tmp)
        (p / HEALTH).write_text(ONE_CHECK)
        return Run(["health", "--base-url", serve(stack)], f"{HEALTH}:2", word, "health", cwd=p)

    return make


def server(responder: Callable[..., None]) -> Callable[[ExitStack], str]:
    return lambda stack: stack.enter_context(http_server(responder))


def health_url(url: str, word: str) -> Callable[[Path, ExitStack], Run]:
    def make(tmp: Path, _: ExitStack) -> Run:
        p = project_copy(tmp)
        argv = ["health", "--base-url", url] if url else ["health"]
        return Run(argv, None, word, cwd=p)

    return make


# --- the environment -----------------------------------------------------------------------------------


def _no_wrangler(marker: str) -> Callable[[Path, ExitStack], Run]:
    """$OPSDOCS_NODE_MODULES names an empty folder: no wrangler anywhere opsdocs may look. Said once, before
    anything runs, however many selected checks would need wrangler."""

    def make(tmp: Path, _: ExitStack) -> Run:
        p = project_copy(tmp)
        (tmp / "empty").mkdir()
        return Run([*verify(p), "-m", marker], str(tmp / "empty"), "wrangler is not installed",
                   env={"OPSDOCS_NODE_MODULES": str(tmp / "empty")})

    return make


def _wrangler_without_node(tmp: Path) -> Path:
    """A node_modules holding the pinned wrangler but no Node of its own (no ``node@22`` package)."""
    nm = tmp / "nm"
    nm.mkdir()
    (nm / "wrangler").symlink_to(CHECKOUT_ROOT / "node_modules" / "wrangler")
    return nm


def _no_node(tmp: Path, _: ExitStack) -> Run:
    p, nm = project_copy(tmp), _wrangler_without_node(tmp)
    path = bin_dir_without(tmp / "bin", "node", "nodejs")
    return Run([*verify(p), "-m", "rehearse"], None, "Node.js is not on PATH",
               env={"PATH": str(path), NODE_MODULES_ENV: str(nm)})


def _old_node(tmp: Path, _: ExitStack) -> Run:
    """Only the system Node (20 here and in CI) for a wrangler whose engines want 22.12 or newer."""
    p, nm = project_copy(tmp), _wrangler_without_node(tmp)
    return Run([*verify(p), "-m", "rehearse"], None, "needs Node", env={NODE_MODULES_ENV: str(nm)})


def _port_taken(tmp: Path, stack: ExitStack) -> Run:
    port = stack.enter_context(bound_port())
    return Run(["serve", "--root", str(project_copy(tmp)), "--dev-addr", f"127.0.0.1:{port}"], None, "cannot listen")


def _bad_dev_addr(tmp: Path, _: ExitStack) -> Run:
    return Run(["serve", "--root", str(project_copy(tmp)), "--dev-addr", "127.0.0.1:http"], None, "invalid --dev-addr")


def _missing_root(cmd: str) -> Callable[[Path, ExitStack], Run]:
    def make(tmp: Path, _: ExitStack) -> Run:
        root = tmp / "no-such-checkout"
        argv = {"verify": verify(root), "build": build(root),
                "health": ["health", "--root", str(root), "--base-url", "http://127.0.0.1:9"]}[cmd]
        return Run(argv, str(root), "not a directory")

    return make


def _report_under_file(tmp: Path, _: ExitStack) -> Run:
    p = project_copy(tmp)
    (tmp / "a-file").write_text("not a folder\n")
    report = tmp / "a-file" / "report.json"
    return Run(["verify", "--root", str(p), "-m", "drift", "--report", str(report)], str(report), "not a directory")


def _report_read_only(tmp: Path, _: ExitStack) -> Run:
    """/proc: a directory nobody, root included, can create a file in."""
    p = project_copy(tmp)
    report = Path("/proc/self/opsdocs/report.json")
    return Run(["verify", "--root", str(p), "-m", "drift", "--report", str(report)], str(report), "not writable")


def _site_root_empty(tmp: Path, _: ExitStack) -> Run:
    (tmp / "empty-site").mkdir(parents=True)
    return Run(verify(project_copy(tmp), "--site-root", str(tmp / "empty-site")), str(tmp / "empty-site"),
               "no mkdocs.yml")


def _config_file_missing(tmp: Path, _: ExitStack) -> Run:
    config = tmp / "mkdocs.yml"
    return Run(build(project_copy(tmp), "--config-file", str(config)), str(config), "no mkdocs.yml")


RUNTIME_CASES: list[Case] = [
    # pages
    Case("page-undefined-variable-build", page("{{ no_such_thing }}\n", "undefined variable 'no_such_thing'",
                                               how="build")),
    Case("page-undefined-variable-verify", page("{{ no_such_thing }}\n", "undefined variable 'no_such_thing'")),
    Case("page-template-syntax", page("{% if %}\n", "template syntax error", how="build")),
    Case("page-unknown-wrangler-env", page("{{ wrangler('deploy', env='staging') }}\n", "no environment 'staging'")),
    Case("page-block-without-mode", page("```bash\nnpx wrangler d1 list\n```\n", "has no data-mode")),
    Case("page-unknown-mode", page('```{.bash data-mode="sometimes"}\nnpx wrangler d1 list\n```\n',
                                   "unknown data-mode 'sometimes'")),
    Case("page-never-without-why", page('```{.bash data-mode="never"}\nnpx wrangler deploy\n```\n',
                                        "needs data-why")),
    Case("page-bad-expect-regex", page('```{.bash data-mode="rehearse" data-expect-re="([a-z"}\n'
                                       "npx wrangler --version\n```\n", "not a valid regular expression")),
    Case("page-remote-write-in-rehearse", page(REMOTE_WRITE, "changes a remote Cloudflare resource", how="rehearse",
                                               rel="docs/secrets.md")),
    Case("page-expect-mismatch", page(EXPECT_MISMATCH, "(data-expect); it does not", how="rehearse",
                                      rel="docs/secrets.md")),
    Case("page-step-timeout", page('```{.bash data-mode="rehearse" data-timeout="1"}\nsleep 30\n```\n',
                                   "timed out after 1 s", how="rehearse", rel="docs/secrets.md")),
    Case("page-unknown-flag-in-never", page(NEVER + "npx wrangler rollback --force-it\n```\n",
                                            "unknown flag --force-it", how="static", offset=1)),
    Case("page-literal-worker-name", page("The Worker is ledger-api-production.\n", "typed literally", how="drift")),
    Case("mkdocs-yml-bad-yaml", mkdocs_yml("site_name: Deployment docs", "site_name: [Deployment docs",
                                           "site_description:", "invalid YAML")),
    Case("mkdocs-yml-unknown-theme", mkdocs_yml("  name: material", "  name: materiel", None,
                                                "Unrecognised theme")),
    # health targets
    Case("health-refused", health(lambda _: f"http://127.0.0.1:{closed_port()}", "connection refused")),
    Case("health-500", health(server(respond(500, b'{"status":"down"}')), "expected status 200, got 500")),
    Case("health-invalid-json", health(server(respond(200, b'{"status": ok')), "got invalid JSON")),
    Case("health-slow", health(server(respond(200, b'{"status":"ok"}', delay_s=1.0)), "over the 400 ms budget")),
    Case("health-redirect-loop", health(server(redirect_loop), "redirects")),
    Case("health-tls-to-plain-http", health(
        lambda stack: stack.enter_context(http_server(respond(200, b"{}"))).replace("http:", "https:"),
        "TLS handshake failed")),
    Case("health-url-not-http", health_url("ftp://ledger.example.com", "needs http:// or https://")),
    Case("health-url-with-space", health_url("https://ledger api.example.com", "contains whitespace")),
    Case("health-no-base-url", health_url("", "no base URL")),
    # the environment
    Case("env-no-wrangler-static", _no_wrangler("static")),
    Case("env-no-wrangler-rehearse", _no_wrangler("rehearse")),
    Case("env-no-node", _no_node),
    Case("env-old-node", _old_node),
    Case("env-port-taken", _port_taken),
    Case("env-bad-dev-addr", _bad_dev_addr),
    Case("env-missing-root-verify", _missing_root("verify")),
    Case("env-missing-root-build", _missing_root("build")),
    Case("env-missing-root-health", _missing_root("health")),
    Case("env-report-under-a-file", _report_under_file),
    Case("env-report-read-only-dir", _report_read_only),
    Case("env-site-root-without-mkdocs-yml", _site_root_empty),
    Case("env-config-file-missing", _config_file_missing),
]
