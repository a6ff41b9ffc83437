"""The delegation journey (R-III-C, R-III-E) in a real browser, on the demo district.

The superintendent names Tom Berg, the Director of Athletics, her designee for concern
reports about the Athletics Department, for one season. She forgets to tick a power
first, and the form says so beside the field; then the delegation is in force. Tom signs
in: "Concerns" is in his navigation, but the open report about the athletics department's
X account is not in his queue: he keeps that account, so it is for the other triagers
(R-IV-B). The one power opens nothing else: no roster, no compliance, no registry actions.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import check_accessibility, new_page, sign_in, snap


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_superintendent_names_a_designee_who_sees_the_reports(demo_district, live_server, browser):
    from playwright.sync_api import expect

    today = timezone.localdate()
    until = today + timedelta(days=120)

    office = new_page(browser)
    sign_in(office, live_server.url, "superintendent@example.org")
    office.get_by_role("navigation", name="Main").get_by_role("link", name="Delegations").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Your designees")
    check_accessibility(office)
    office.get_by_role("main").get_by_role("link", name="Name a designee").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Name a designee")
    check_accessibility(office)
    office.get_by_label("Designee's email").fill("athletics@example.org")
    office.get_by_label("Over", exact=True).select_option(label="Athletics Department")
    expect(office.get_by_label("From")).to_have_value(today.isoformat())
    office.get_by_label("Until").fill(until.isoformat())
    office.get_by_label("Reason").fill("The spring season: Tom answers reports about team accounts.")
    office.get_by_role("button", name="Grant delegation").click()

    expect(office.get_by_role("alert").get_by_role("link")).to_have_text(["Powers — This field is required."])
    powers = office.get_by_role("group", name="Powers")
    expect(powers).to_contain_text("This field is required.")
    expect(office.get_by_label("Reason")).to_have_value("The spring season: Tom answers reports about team accounts.")
    snap(office, "delegation-01-no-power")
    powers.get_by_label("Triage concern reports").check()
    office.get_by_role("button", name="Grant delegation").click()

    expect(office.get_by_role("heading", level=1)).to_have_text("Your designees")
    row = office.get_by_role("row").filter(has_text="Tom Berg")
    expect(row).to_contain_text("Athletics Department")
    expect(row).to_contain_text("Triage concern reports")
    expect(row).to_contain_text("In force")
    snap(office, "delegation-02-granted", "delegation-granted.png")
    office.context.close()

    tom = new_page(browser)
    sign_in(tom, live_server.url, "athletics@example.org")
    navigation = tom.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Compliance")).to_have_count(0)
    navigation.get_by_role("link", name="Concerns").click()
    expect(tom.get_by_role("heading", level=1)).to_have_text("Concern reports")
    expect(tom.get_by_role("main")).to_contain_text("No open reports")
    expect(tom.get_by_role("main")).not_to_contain_text("@MPSAthletics")
    check_accessibility(tom)
    snap(tom, "delegation-03-designee-queue")
    assert tom.goto(f"{live_server.url}/people/roster/").status == 403
    check_accessibility(tom)
    tom.context.close()
