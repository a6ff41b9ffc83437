"""The inbox journey in a real browser, on the demo district (issue #22, part 2).

Chris Olson, site manager of the district's main accounts, signs in: the header counts one
unread message, the newest, which tells him his lent access to MPS Athletics' credentials
ends in ten days, with the year (R-III-E). He reads it in his inbox and marks it read: the count goes. He then asks for
one email a day for compliance findings, and sees that revealed credentials are always
emailed at once, with no choice offered. Both pages pass axe-core.
"""

import re

import pytest

from .conftest import check_accessibility, new_page, sign_in, snap


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_site_manager_reads_his_inbox_and_chooses_a_daily_email(demo_district, live_server, browser):
    from playwright.sync_api import expect

    page = new_page(browser)
    sign_in(page, live_server.url, "webmaster@example.org")
    account_menu = page.locator(".account-menu")
    inbox_link = account_menu.get_by_role("link", name=re.compile(r"^Inbox"))
    expect(inbox_link).to_have_text("Inbox 1 unread")

    inbox_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    newest = page.get_by_role("listitem").filter(has=page.get_by_text("New", exact=True)).first
    expect(newest).to_contain_text("Your access to the credentials of MPS Athletics ends on")
    expect(newest).to_contain_text("Escrowed credentials")
    newest.get_by_text("Read the message").click()
    expect(newest).to_contain_text("10 days from now")
    snap(page, "inbox-01-unread")

    newest.get_by_role("button", name=re.compile(r"^Mark as read")).click()
    expect(page.get_by_role("status")).to_contain_text("is marked as read")
    expect(account_menu.get_by_role("link", name=re.compile(r"^Inbox"))).to_have_text("Inbox")
    expect(page.get_by_text("New", exact=True)).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name="Choose how messages reach you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How messages reach you")
    always = page.get_by_role("region", name="Always emailed at once")
    expect(always).to_contain_text("Escrowed credentials")
    expect(page.get_by_role("group", name="Escrowed credentials")).to_have_count(0)
    findings = page.get_by_role("group", name="Compliance findings")
    expect(findings.get_by_label("Email me at once")).to_be_checked()
    findings.get_by_label("One email a day with all of them (a daily digest)").check()
    snap(page, "inbox-02-settings")
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("status")).to_contain_text("Your choices are saved")
    expect(page.get_by_role("group", name="Compliance findings").get_by_label(
        "One email a day with all of them (a daily digest)")).to_be_checked()
    check_accessibility(page)

    page.get_by_role("link", name="Back to your inbox").click()
    check_accessibility(page)
    older = page.get_by_role("listitem").filter(has_text="is established").first
    older.get_by_role("button", name=re.compile(r"^Open")).click()
    expect(page).to_have_url(re.compile(r"/registry/\d+/$"))
    check_accessibility(page)
