"""A real browser signs in: Playwright drives Debian's chromium against the live server.

The journey a superintendent takes on the demo district: the public home page, "Staff
sign in", email and password by their labels, the greeting on the home page, the
Delegations link in the navigation and the demo designee in the delegations table.

Screenshots of every step go to ``tests/artifacts/`` (gitignored). With
``UPDATE_SCREENSHOTS=1`` (``make screenshots``) the public and the signed-in home pages
are also copied to ``docs/screenshots/`` for the README.
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
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture
def demo_district(transactional_db, django_db_serialized_rollback):
    """The demo district, loaded before the browser starts (see ``page``)."""
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls
    # from a thread with a running loop; the variable lifts that for this test only. It is
    # never set at import: subprocesses other tests start (``manage.py check --deploy``)
    # inherit os.environ, and Django rejects it there (async.E001).
    # Still, do the test's ORM work *before* this fixture, as ``demo_district`` does: under
    # Playwright the test thread gets a second database connection that is never closed,
    # and PostgreSQL then refuses to drop the test database at the end of the session.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.set_default_timeout(10_000)
            yield context.new_page()
            context.close()
        finally:
            browser.close()


def snap(page, name: str, docs_name: str | None = None) -> None:
    """A full-page screenshot in tests/artifacts/, and in docs/screenshots/ when asked."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if docs_name and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOTS / docs_name)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_superintendent_signs_in_and_sees_the_delegations(demo_district, live_server, page):
    from playwright.sync_api import expect

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Official social media")
    snap(page, "01-home-public", "home-public.png")

    page.get_by_role("main").get_by_role("link", name="Staff sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("superintendent@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    snap(page, "02-sign-in")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, \S+"))
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Delegations")).to_be_visible()
    snap(page, "03-home-superintendent", "home-superintendent.png")

    page.goto(live_server.url + "/people/delegations/")
    expect(page.get_by_role("table")).to_contain_text("Marcus Hill")
    snap(page, "04-delegations")
