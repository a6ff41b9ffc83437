"""What every browser journey shares: Debian's chromium driven by Playwright, the demo
district, signing in, and screenshots.

Screenshots of every step go to ``tests/artifacts/`` (gitignored). With
``UPDATE_SCREENSHOTS=1`` (``make screenshots``) the ones a journey names for the docs are
also copied to ``docs/screenshots/``.

Do a test's ORM work *before* the ``page`` fixture starts the browser, as ``demo_district``
does: under Playwright the test thread gets a second database connection that is never
closed, and PostgreSQL then refuses to drop the test database at the end of the session.
"""

import io
import os
import re
import shutil
from pathlib import Path

import pytest
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


@pytest.fixture
def browser(monkeypatch):
    """A headless chromium. Playwright's sync API runs an event loop in this thread, and
    Django refuses ORM calls from a thread with a running loop; the variable lifts that for
    this test only. It is never set at import: subprocesses other tests start
    (``manage.py check --deploy``) inherit os.environ, and Django rejects it there."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser):
    """A fresh browser context (its own cookies: one person) and its page."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


def snap(page, name: str, docs_name: str | None = None) -> None:
    """A full-page screenshot in tests/artifacts/, and in docs/screenshots/ when asked."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if docs_name and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / docs_name)


def sign_in(page, base_url: str, email: str) -> None:
    """Sign in through the login form as a demo person, ending on the home page."""
    from playwright.sync_api import expect

    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, \S+"))
