"""What every browser journey shares: Debian's chromium driven by Playwright, the demo
district, signing in, screenshots, and axe-core on every page.

Screenshots of every step go to ``tests/artifacts/`` (gitignored). With
``UPDATE_SCREENSHOTS=1`` (``make screenshots``) the ones a journey names for the docs are
also copied to ``docs/screenshots/``.

Every page a journey's browsers load is checked with axe-core (its default rules: WCAG 2.x
A and AA, and its best practices; ``check_accessibility``): ``snap`` and ``sign_in`` check the page they are on,
and a journey calls ``check_accessibility`` on any other page it passes through. A journey
that passes ends by proving it: a page it loaded and never checked fails it.

Do a test's ORM work *before* the ``page`` fixture starts the browser, as ``demo_district``
does: under Playwright the test thread gets a second database connection that is never
closed, and PostgreSQL then refuses to drop the test database at the end of the session.
"""

import io
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.core.management import call_command

from people.demo import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test, skipped when chromium is missing."""
    skip = pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    )
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)
            item.add_marker(skip)


@pytest.fixture
def demo_district(transactional_db, django_db_serialized_rollback):
    """The demo district, loaded before the browser starts (see ``page``)."""
    call_command("seed_demo", stdout=io.StringIO())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so the browser's teardown knows whether the
    journey itself passed (a failed one has left pages unchecked: no second complaint)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser(monkeypatch, request):
    """A headless chromium. Playwright's sync API runs an event loop in this thread, and
    Django refuses ORM calls from a thread with a running loop; the variable lifts that for
    this test only. It is never set at import: subprocesses other tests start
    (``manage.py check --deploy``) inherit os.environ, and Django rejects it there."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        _pages_loaded.clear()
        _pages_checked.clear()
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls made while Playwright's loop runs get a connection of their own
            # (asgiref keeps one per context); close it here, in that context, or it
            # outlives the test and PostgreSQL cannot drop the test database at the end.
            connections.close_all()
    call = getattr(request.node, "report_call", None)
    if call is not None and call.passed:
        unchecked = sorted(set(_pages_loaded) - _pages_checked)
        assert not unchecked, f"pages this journey loaded but never checked with axe-core: {unchecked}"


# Every page loaded in this test's browsers, and the ones check_accessibility ran on, by
# path and query: the browser fixture's teardown compares them.
_pages_loaded: list[str] = []
_pages_checked: set[str] = set()


def _page_key(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _loaded(page) -> None:
    key = _page_key(page.url)
    if key:
        _pages_loaded.append(key)


def new_page(browser, **context_options):
    """A fresh browser context (its own cookies: one person) and its page; every page it
    loads is remembered, to be checked with axe-core. ``new_page(browser, **PHONE)`` is a
    phone."""
    context = browser.new_context(**({"viewport": VIEWPORT} | context_options))
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("load", _loaded)
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def snap(page, name: str, docs_name: str | None = None, allowed: dict[str, str] | None = None) -> None:
    """A full-page screenshot in tests/artifacts/, and in docs/screenshots/ when asked; then
    the page is checked with axe-core (``allowed``: see ``check_accessibility``).
    Revealed secrets (``[data-secret]``) are masked: no screenshot holds one in plain text."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, mask=[page.locator("[data-secret]")])
    if docs_name and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / docs_name)
    check_accessibility(page, allowed=allowed)


# axe-core's impacts: these two fail a page whatever the test says.
BLOCKING_IMPACTS = ("serious", "critical")


def check_accessibility(page, allowed: dict[str, str] | None = None) -> None:
    """Run axe-core (shipped inside ``axe-playwright-python``, nothing fetched) on the page
    as it is now, with its default rules: WCAG 2.x A and AA, and its best practices.

    Any violation of serious or critical impact fails the test. A moderate or minor one
    fails it too, unless the test names the rule in ``allowed`` with the reason it is
    accepted on this page (``{"rule-id": "why"}``); a reason cannot excuse a serious one."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state()
    allowed = allowed or {}
    assert all(reason.strip() for reason in allowed.values()), "every allowed axe-core rule needs a reason"
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    failing = [
        violation for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS or violation["id"] not in allowed
    ]
    key = _page_key(page.url)
    assert not failing, f"axe-core on {key}:\n" + "\n".join(
        f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
                     for node in violation["nodes"][:5])
        for violation in failing
    )
    if key:
        _pages_checked.add(key)


def sign_in(page, base_url: str, email: str) -> None:
    """Sign in through the login form as a demo person, ending on the home page."""
    from playwright.sync_api import expect

    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    check_accessibility(page)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, \S+"))
    check_accessibility(page)
