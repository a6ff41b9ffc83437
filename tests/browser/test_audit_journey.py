"""The compliance journey (R-V-D, R-III-E) in a real browser, on the demo district.

The superintendent runs the audit from the dashboard and watches it finish. Among its
findings: the district's Facebook account has a credential rotation outstanding (the
demo designee revealed its credentials). She opens the finding. Chris Olson, its site
manager, sees it on his home page and escrows new credentials; the next run closes it.
"""

import re

import pytest

from .conftest import check_accessibility, new_page, sign_in, snap


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_superintendent_audits_and_the_site_manager_fixes_a_finding(demo_district, live_server, browser,
                                                                          settings):
    from playwright.sync_api import expect

    settings.ESCROW_REQUIRE_MFA = False
    base = live_server.url

    office = new_page(browser)
    sign_in(office, base, "superintendent@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Compliance with Policy 4038")
    office.get_by_role("button", name="Run the audit now").click()
    expect(office.get_by_role("heading", level=1)).to_contain_text("Audit run of")
    expect(office.get_by_role("status")).to_contain_text("Finished", timeout=20_000)
    expect(office.locator("progress")).to_have_attribute("value", "100")
    snap(office, "audit-01-run-finished")

    office.get_by_role("link", name="Compliance", exact=True).first.click()
    snap(office, "audit-02-dashboard", "compliance-dashboard.png")
    row = office.get_by_role("row").filter(has_text="No rotation outstanding")
    row.get_by_role("link", name=re.compile(r"open findings")).click()
    expect(office.get_by_role("heading", level=1)).to_contain_text("findings")
    check_accessibility(office)
    office.get_by_role("main").get_by_role("link", name="Minneapolis Public Schools", exact=True).click()
    expect(office.get_by_role("heading", level=1)).to_have_text(
        "No rotation outstanding: Minneapolis Public Schools")
    expect(office.get_by_text(re.compile(r"Rotation due: Revealed to Marcus Hill"))).to_be_visible()
    snap(office, "audit-03-finding")

    keeper = new_page(browser)
    sign_in(keeper, base, "webmaster@example.org")
    to_fix = keeper.get_by_role("region", name="Needs your attention")
    expect(to_fix).to_contain_text("Fix a finding on Minneapolis Public Schools")
    snap(keeper, "audit-04-home-to-fix")
    keeper.get_by_role("navigation", name="Main").get_by_role("link", name="My accounts").click()
    expect(keeper.get_by_role("heading", level=1)).to_have_text("Accounts you keep")
    check_accessibility(keeper)
    keeper.get_by_role("main").get_by_role("link", name="Minneapolis Public Schools", exact=True).click()
    expect(keeper.get_by_role("heading", level=1)).to_have_text("Minneapolis Public Schools")
    check_accessibility(keeper)
    keeper.get_by_role("link", name="Enter new credentials").click()
    expect(keeper.get_by_role("heading", level=1)).to_have_text("New credentials for Minneapolis Public Schools")
    keeper.get_by_label("Log-in name or email at the platform").fill("social+facebook@example.org")
    keeper.get_by_label("Password", exact=True).fill("a-brand-new-rotated-password")
    keeper.get_by_label("Why now").fill("Rotated after the designee's reveal.")
    check_accessibility(keeper)
    keeper.get_by_role("button", name="Escrow the credentials").click()
    expect(keeper.get_by_text("The credentials are escrowed (version 2).")).to_be_visible()
    check_accessibility(keeper)

    office.goto(base + "/compliance/")
    office.get_by_role("button", name="Run the audit now").click()
    expect(office.get_by_role("status")).to_contain_text("Finished", timeout=20_000)
    expect(office.get_by_role("status")).to_contain_text(re.compile(r"[1-9]\d* closed"))
    check_accessibility(office)
    office.goto(base + "/compliance/findings/?state=closed&check=rotation")
    expect(office.get_by_role("row").filter(has_text="Minneapolis Public Schools")).to_be_visible()
    snap(office, "audit-05-closed")

    # The audit trail records it all: the credentials escrowed again, by Chris Olson.
    office.goto(base + "/compliance/")
    office.get_by_role("link", name="Audit trail").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Audit trail")
    escrowed = office.get_by_role("row").filter(has_text="Credentials escrowed").first
    expect(escrowed).to_contain_text("Chris Olson")
    expect(office.get_by_role("main")).not_to_contain_text("credentials.escrowed")
    snap(office, "audit-06-trail")
    # Only the escrows, chosen by their words; the filter stays on the page.
    office.get_by_label("Action").select_option(label="Credentials escrowed")
    office.get_by_role("button", name="Filter").click()
    expect(office.get_by_label("Action")).to_have_value("credentials.escrowed")
    expect(office.get_by_role("row").filter(has_text="Credentials revealed")).to_have_count(0)
    expect(office.get_by_role("row").filter(has_text="Credentials escrowed").first).to_be_visible()
    check_accessibility(office)
    for page in (office, keeper):
        page.context.close()
