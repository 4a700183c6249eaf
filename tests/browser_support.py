"""Browser tests: Debian's Chromium driven by Playwright against the app on a real server thread.

Without /usr/bin/chromium these tests are skipped, and the run's header says so plainly.
"""
from __future__ import annotations

import os
import re
import threading
from urllib.parse import urlsplit
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
HAVE_CHROMIUM = Path(CHROMIUM).exists()
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_report_header(config):
    if HAVE_CHROMIUM:
        return f"browser tests: running in {CHROMIUM}"
    return f"browser tests: SKIPPED — Chromium is not installed at {CHROMIUM} (apt-get install chromium)"


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    skip = pytest.mark.skip(reason=f"Chromium is not installed at {CHROMIUM}: browser tests not run")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield browser
    browser.close()


@pytest.fixture()
def live_server(app):
    """The app served on 127.0.0.1 by a real threaded server, with CSRF on as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.config["WTF_CSRF_ENABLED"] = False


class Shots:
    """Saves a numbered screenshot of each step under the run's output folder."""

    def __init__(self, folder: Path, test_name: str):
        self.folder = folder / "screenshots" / re.sub(r"[^\w-]+", "_", test_name)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, name: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^\w-]+", "_", name)
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture()
def page(browser, live_server, output_dir, request):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.shots = Shots(output_dir, request.node.name)
    yield page
    context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's serious and critical WCAG 2.x A/AA violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
    results = Axe().run(page, options=options)
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
                     for v in violations)


WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def check_both_widths(page, name: str, reload: bool = True) -> None:
    """The page at 1280 px and at 390 px: a screenshot of each, axe at zero serious or critical at both, and
    nothing scrolling sideways at 390 px. `reload=False` for a page that answered a POST (a form shown
    again with its errors), which a reload would send again; the layout follows the viewport either way.
    The viewport is left at 1280 px."""
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        if reload:
            page.reload()
        page.shots(page, f"{name}-{size['width']}")
        found = axe_violations(page)
        assert not found, f"{name} at {size['width']} px: {describe(found)}"
        if size is NARROW:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{name} scrolls sideways at 390 px ({width} px wide): {too_wide(page)}"
    page.set_viewport_size(WIDE)


def too_wide(page, width: int = 390) -> list[str]:
    """The innermost elements reaching past `width` px, to say what makes a page scroll sideways."""
    return page.evaluate("""w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w + 0.5 && ![...e.children].some(c => c.getBoundingClientRect().right > w + 0.5))
        .slice(0, 8).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} "${(e.innerText || '').slice(0, 40)}" right=${Math.round(e.getBoundingClientRect().right)}`)""", width)


def sign_in(page, user) -> None:
    """Sign `user` in through the login form (and the second factor when their role needs one)."""
    from tests.factories import PASSWORD, second_factor_code

    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Sign in").click()
    if urlsplit(page.url).path == "/login/code":
        page.get_by_label("Code", exact=True).fill(second_factor_code(user.id))
        page.locator("main").get_by_role("button", name="Sign in").click()
    page.get_by_text("You are signed in").wait_for()
