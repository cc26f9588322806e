"""``opsdocs build`` and ``opsdocs serve``: MkDocs in-process with the built-in site's mkdocs.yml.

The project is ``--root``, else ``$OPSDOCS_ROOT``, else found from the current folder as wrangler finds
it; it reaches the macros through ``$OPSDOCS_ROOT``. The site is written to ``ROOT/site`` by default. Builds are strict. Every failure is one line (``docs/rollback.md:12: undefined variable 'foo'``)
and a non-zero exit; MkDocs' warnings are printed one per line, its info chatter only with ``-v``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from opsdocs.errors import ConfigError, EnvironmentProblem, OpsdocsError
from opsdocs.project.load import GUIDES_DIR

CONFIG_FILE = GUIDES_DIR / "mkdocs.yml"
ERROR_MACRO = 100  # mkdocs-macros' exit code when it fails on its own
_YAML_MARK = re.compile(r"line (\d+), column (\d+)")


def register(subparsers: Any) -> None:
    build = subparsers.add_parser("build", help="build the site (strict) into ROOT/site/",
                                  description="Render every page from the live config and build the site.")
    _common(build)
    build.add_argument("--site-dir", type=Path, help="output directory (default: ROOT/site)")
    build.set_defaults(handler=run_build)
    serve = subparsers.add_parser("serve", help="preview the site with live reload",
                                  description="Serve the site; edits to pages or config reload it.")
    _common(serve)
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="IP:PORT (default: 127.0.0.1:8000)")
    serve.set_defaults(handler=run_serve)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path,
                        help="the wrangler project the pages describe (default: $OPSDOCS_ROOT, else the nearest "
                             "folder at or above the current one with a wrangler config)")
    parser.add_argument("--config-file", type=Path, default=CONFIG_FILE,
                        help="the site's mkdocs.yml (default: the built-in guides'); its folder holds docs/ and runbooks/")
    parser.add_argument("-v", "--verbose", action="store_true", help="show MkDocs' progress messages")


class _OneLine(logging.Handler):
    """MkDocs log records as single lines on stderr. Errors are held back: when the cause is one of
    ours, MkDocs' own wording of it ("Error reading page ...") would only repeat it."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        lines = record.getMessage().strip().splitlines()
        message = lines[0] if lines else ""
        if record.levelno >= logging.ERROR:
            self.errors.append(f"error: {message}")
        elif record.levelno >= logging.WARNING:
            print(f"{record.levelname.lower()}: {message}", file=sys.stderr)
        else:
            print(message, file=sys.stderr)

    def flush_errors(self) -> None:
        for message in self.errors:
            print(message, file=sys.stderr)
        self.errors.clear()


@contextlib.contextmanager
def _mkdocs_env(root: Path | None, verbose: bool, config_file: Path) -> Iterator[_OneLine]:
    if not config_file.is_file():
        raise ConfigError("no mkdocs.yml here", path=config_file, hint="pass --config-file PATH/mkdocs.yml")
    root = _project_root(root)
    saved = {k: os.environ.get(k) for k in ("OPSDOCS_ROOT", "NO_MKDOCS_2_WARNING")}
    os.environ["OPSDOCS_ROOT"] = str(root)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    logger = logging.getLogger("mkdocs")
    handler = _OneLine(logging.INFO if verbose else logging.WARNING)
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _project_root(root: Path | None) -> Path:
    from opsdocs.project.load import default_root

    root = root if root is not None else default_root()
    if not root.is_dir():
        raise ConfigError("project root is not a directory", path=root,
                          hint="pass --root with the path of a wrangler project checkout")
    return root.resolve()


def _ours(exc: BaseException) -> OpsdocsError | None:
    """The OpsdocsError behind an MkDocs exception (MkDocs re-raises page errors as a bare Abort)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OpsdocsError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _config_error(exc: BaseException, log: _OneLine, config_file: Path) -> ConfigError | None:
    """MkDocs' own complaints about mkdocs.yml as one located line: a YAML error (whose message spans
    lines) or a bad setting (logged as an error, then a bare "Aborted with a configuration error!")."""
    from mkdocs.exceptions import ConfigurationError

    text = str(exc)
    if isinstance(exc, ConfigurationError) and "parsing the configuration file" in text:
        marks = _YAML_MARK.findall(text)
        lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("in ")]
        return ConfigError(f"invalid YAML: {lines[-1] if lines else text}", path=config_file,
                           line=int(marks[-1][0]) if marks else None, col=int(marks[-1][1]) if marks else None,
                           hint="check indentation, colons and quoting around this line")
    settings = [e.removeprefix("error: ") for e in log.errors if e.startswith("error: Config value")]
    if settings and "configuration error" in text:
        log.errors.clear()
        return ConfigError(settings[0], path=config_file,
                           hint="fix that setting (https://www.mkdocs.org/user-guide/configuration/)")
    return None


def _run(action: Callable[[], None], log: _OneLine, config_file: Path) -> int:
    """Run an MkDocs action: our errors, and MkDocs' complaints about mkdocs.yml, are raised for main()
    to print as one line (exit 2); MkDocs' other failures print their log lines and exit 1."""
    from mkdocs.exceptions import MkDocsException

    try:
        action()
    except MkDocsException as exc:
        ours = _ours(exc) or _config_error(exc, log, config_file)
        if ours is not None:
            raise ours from None
        log.flush_errors()
        print(f"opsdocs: {exc}", file=sys.stderr)
        return 1
    except SystemExit as exc:
        if exc.code != ERROR_MACRO:
            raise
        log.flush_errors()
        print("opsdocs: a macro failed while rendering a page title", file=sys.stderr)
        return 1
    log.flush_errors()
    return 0


def run_build(args: argparse.Namespace) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = (args.site_dir or _project_root(args.root) / "site").resolve()

    def action() -> None:
        config = load_config(config_file=str(args.config_file), strict=True, site_dir=str(site_dir))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()

    with _mkdocs_env(args.root, args.verbose, args.config_file) as log:
        code = _run(action, log, args.config_file)
    if code == 0:
        print(f"opsdocs: built {site_dir}", file=sys.stderr)
    return code


def run_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve

    host, port = _free_dev_addr(args.dev_addr)
    with _mkdocs_env(args.root, True, args.config_file) as log, _scratch_tempdir():
        try:
            return _run(lambda: serve(config_file=str(args.config_file), dev_addr=f"{host}:{port}", strict=True),
                        log, args.config_file)
        except OSError as exc:  # the port was taken between the check and MkDocs' bind
            raise EnvironmentProblem(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                                     hint="pick another port with --dev-addr 127.0.0.1:PORT") from None


def _free_dev_addr(dev_addr: str) -> tuple[str, int]:
    """``HOST:PORT`` parsed and checked free before anything is built: a taken port is one line."""
    host, _, port_text = dev_addr.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"invalid --dev-addr {dev_addr!r}", hint="use HOST:PORT, e.g. 127.0.0.1:8000")
    port = int(port_text)
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as MkDocs' server binds
            sock.bind((host, port))
    except OSError as exc:
        raise EnvironmentProblem(f"cannot listen on {dev_addr}: {exc.strerror or exc}",
                                 hint="pick another port with --dev-addr 127.0.0.1:PORT (or stop what holds it)") from None
    return host, port


@contextlib.contextmanager
def _scratch_tempdir() -> Iterator[None]:
    """MkDocs' serve makes its site dir with mkdtemp and leaks it when the config fails to load: give it a
    private temp root that is removed whatever happens."""
    saved = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="opsdocs-serve-") as scratch:
        tempfile.tempdir = scratch
        try:
            yield
        finally:
            tempfile.tempdir = saved
