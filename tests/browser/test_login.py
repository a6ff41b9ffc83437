"""A real browser signs in: Playwright drives Debian's chromium against the live server.

The journey a superintendent takes on the demo district: the public home page, "Staff
sign in", email and password by their labels, the greeting on the home page, the
Delegations link in the navigation and the demo designee in the delegations table.
"""

import re

import pytest

from people.demo import DEMO_PASSWORD

from .conftest import snap


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_superintendent_signs_in_and_sees_the_delegations(demo_district, live_server, page):
    from playwright.sync_api import expect

    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Official social media")
    snap(page, "login-01-home-public", "home-public.png")

    page.get_by_role("main").get_by_role("link", name="Staff sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("superintendent@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    snap(page, "login-02-sign-in")
    page.get_by_role("main").get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hello, \S+"))
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Delegations")).to_be_visible()
    snap(page, "login-03-home-superintendent", "home-superintendent.png")

    page.goto(live_server.url + "/people/delegations/")
    expect(page.get_by_role("table")).to_contain_text("Marcus Hill")
    snap(page, "login-04-delegations")
