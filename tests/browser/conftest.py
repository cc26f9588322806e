"""One real build per module, served on loopback, and one real Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator

import pytest
from shipped_project import copy_project
from browser_helpers import (
    CHROMIUM_ARGS,
    PageLog,
    Site,
    find_chromium,
    serve,
    write_sample_report,
)
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from opsdocs import load_project
from opsdocs.cli import main
from opsdocs.site.render import render_pages

TIMEOUT_MS = 10_000  # per Playwright action; a page that needs longer is broken, not slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = copy_project(tmp_path_factory.mktemp("browser") / "project")
    project = load_project(root)
    report = write_sample_report(project)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["build", "--root", str(root), "--site-dir", str(root / "site")])
    assert code == 0, f"opsdocs build failed:\n{err.getvalue()}"
    pages = {p.relpath: p for p in render_pages(project)}
    with serve(root / "site") as base_url:
        yield Site(base_url, root, project, report, pages)


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    executable = find_chromium(playwright_driver.chromium.executable_path)
    if executable is None:
        reason = ("no Chromium: install Debian's `chromium` (or set OPSDOCS_CHROMIUM=/path/to/chrome, "
                  "or run `playwright install chromium`)")
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {reason}")
        pytest.skip(reason)
    # Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
    browser = playwright_driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True,
                                         timeout=30_000)
    yield browser
    browser.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser: Browser, site: Site, page_log: PageLog) -> Iterator[Page]:
    """A fresh context (light scheme, clipboard allowed) whose requests and console errors are logged."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light",
                                  reduced_motion="reduce")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base_url.rstrip("/"))
    context.set_default_timeout(TIMEOUT_MS)
    page_log.watch(context)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    # Every test, not only the offline one, must keep the browser on this machine.
    assert not page_log.external, f"requests left loopback: {page_log.external}"
