"""A parent checks a school's account, reports an impersonator, and the district deals with it.

The registry's journey on the demo district (Policy 4038 §III.A, §IV.B): a parent pastes
the Roosevelt Teddies' Instagram address as a browser gives it (capitals, ``?hl=en``) into
"Is this account official?" and reads that it is official, for which school and since
when; then pastes a lookalike handle that uses the protected name "Roosevelt Teddies",
reads that it is not an account the district knows, follows the invitation to report it
and sends the report, keeping its reference. The superintendent's designee, signed in in
another browser, opens Concerns from the navigation, finds the report by that reference,
assigns it to himself, adds a note and resolves it as a takedown requested from the
platform; the report reads resolved and its timeline shows every step.

Every field is reached by its label and every button by its name, as a person (or a
screen reader) finds them: the journey also proves the forms are labelled.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import check_accessibility, new_page, sign_in, snap

OFFICIAL_URL = "https://www.instagram.com/Roosevelt_Teddies/?hl=en"
IMPERSONATOR_URL = "https://www.instagram.com/roosevelt_teddies.official/"
DESIGNEE = "designee@example.org"
DESIGNEE_NAME = "Marcus Hill"
IMPERSONATION = "Impersonation or unofficial use of district names"
TAKEDOWN = "Takedown requested from the platform"


def _long_date(day) -> str:
    """A date as the pages write it ("F j, Y"): "March 4, 2025"."""
    return f"{day:%B} {day.day}, {day.year}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_parent_reports_an_impersonator_and_the_designee_resolves_it(demo_district, live_server, browser):
    from playwright.sync_api import expect

    # The demo's accounts have been official for 400 days (accounts/demo.py).
    official_since = _long_date(timezone.localdate() - timedelta(days=400))

    # --- the parent: is the school's account official? ------------------------------------
    parent = new_page(browser)
    parent.goto(live_server.url + "/verify/")
    expect(parent.get_by_role("heading", level=1)).to_have_text("Is this account official?")
    check_accessibility(parent)
    parent.get_by_label("Profile address or @handle").fill(OFFICIAL_URL)
    parent.get_by_role("button", name="Check").click()

    answer = parent.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("We read this as @roosevelt_teddies on Instagram.")
    expect(answer.get_by_role("heading", level=3).first).to_have_text(
        "Yes: an official account of Roosevelt High School")
    expect(answer).to_contain_text(
        f"Roosevelt Teddies (@roosevelt_teddies on Instagram) speaks for Roosevelt High School, "
        f"officially since {official_since}.")
    expect(answer.get_by_role("link", name="Open @roosevelt_teddies on Instagram")).to_be_visible()
    expect(answer.get_by_text("It uses a protected name")).to_have_count(0)
    snap(parent, "registry-01-verify-official")

    # --- the parent: a lookalike using the mascot's name --------------------------------------
    field = parent.get_by_label("Profile address or @handle")
    expect(field).to_have_value(OFFICIAL_URL)  # the question stays in the box, to edit
    field.fill(IMPERSONATOR_URL)
    parent.get_by_role("button", name="Check").click()

    answer = parent.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("We read this as @roosevelt_teddies.official on Instagram.")
    expect(answer.get_by_role("heading", name="Not an account we know")).to_be_visible()
    expect(answer).to_contain_text(
        "@roosevelt_teddies.official on Instagram is not one of the district's official accounts.")
    expect(answer.get_by_role("heading", name="It uses a protected name")).to_be_visible()
    expect(answer).to_contain_text("“Roosevelt Teddies”, a name that belongs to Roosevelt High School")
    snap(parent, "registry-02-verify-impersonator", "verify-impersonator.png")

    # --- the parent: reports it ---------------------------------------------------------------
    answer.get_by_role("link", name="Report this account").click()
    expect(parent).to_have_url(re.compile(r"/report/\?kind=impersonation&link="))
    expect(parent.get_by_role("heading", level=1)).to_have_text("Report a concern")
    expect(parent.get_by_label("Link or @handle")).to_have_value(IMPERSONATOR_URL)  # carried over
    parent.get_by_role("group", name="What are you reporting?").get_by_label(IMPERSONATION).check()
    parent.get_by_label("What did you see?").fill(
        "An Instagram account calling itself the Roosevelt Teddies Official is selling spirit wear and "
        "asks families to pay by Venmo. It uses the school logo, but the school's account is @roosevelt_teddies."
    )
    parent.get_by_label("Your email (optional)").fill("parent.of.a.teddy@example.net")
    snap(parent, "registry-03-report-form")
    parent.get_by_role("button", name="Send the report").click()

    expect(parent).to_have_url(live_server.url + "/report/sent/")
    expect(parent.get_by_role("heading", level=1)).to_have_text("Thank you: your report is sent")
    reference_text = parent.get_by_text(re.compile(r"^C-[0-9A-Z]{8}$"))
    expect(reference_text).to_be_visible()
    reference = reference_text.inner_text().strip()
    snap(parent, "registry-04-report-sent")
    parent.context.close()

    # --- the designee: the queue --------------------------------------------------------------
    designee = new_page(browser)
    sign_in(designee, live_server.url, DESIGNEE)
    designee.get_by_role("navigation", name="Main").get_by_role("link", name="Concerns").click()
    expect(designee).to_have_url(live_server.url + "/concerns/")
    expect(designee.get_by_role("heading", level=1)).to_have_text("Concern reports")
    table = designee.get_by_role("table")
    row = table.get_by_role("row").filter(has=designee.get_by_role("link", name=reference))
    expect(row).to_contain_text(IMPERSONATION)
    expect(row).to_contain_text("Roosevelt High School")  # routed by the protected name
    expect(row).to_contain_text("New")
    expect(row).to_contain_text("Nobody yet")
    snap(designee, "registry-05-concerns-queue")

    # Found by its reference, as the parent would quote it on the phone.
    filters = designee.get_by_role("search", name="Filter the reports")
    filters.get_by_label("Reference or link").fill(reference.lower())
    filters.get_by_role("button", name="Filter").click()
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the one report
    expect(table.get_by_role("link", name=reference)).to_be_visible()
    snap(designee, "registry-06-concerns-found")

    # --- the designee: the report -------------------------------------------------------------
    table.get_by_role("link", name=reference).click()
    expect(designee).to_have_url(f"{live_server.url}/concerns/{reference}/")
    expect(designee.get_by_role("heading", level=1)).to_have_text(f"Concern {reference}")
    the_report = designee.get_by_role("region", name="The report")
    expect(the_report).to_contain_text(IMPERSONATION)
    expect(the_report).to_contain_text(IMPERSONATOR_URL)
    expect(the_report).to_contain_text("No official account matches the link")
    expect(the_report).to_contain_text("“Roosevelt Teddies”, which belongs to Roosevelt High School")
    expect(the_report).to_contain_text("parent.of.a.teddy@example.net")
    expect(the_report).to_contain_text("selling spirit wear")
    handling = designee.get_by_role("region", name="Handling")
    expect(handling).to_contain_text("Nobody yet")
    snap(designee, "registry-07-concern-new")

    # Assign it to himself (the form offers him first).
    expect(handling.get_by_label("Who handles it")).to_have_value(re.compile(r"\d+"))
    handling.get_by_label("Who handles it").select_option(label=f"{DESIGNEE_NAME} (you)")
    handling.get_by_role("button", name="Assign").click()
    expect(designee.get_by_role("status")).to_have_text(f"{reference} is now assigned to you.")
    expect(handling).to_contain_text(f"Handled by{DESIGNEE_NAME}")
    # The status badge beside the title comes before any "Resolved" or "In review" in the cards.
    expect(designee.get_by_role("main").get_by_text("In review", exact=True).first).to_be_visible()
    snap(designee, "registry-08-concern-assigned")

    # A note of what he checked.
    timeline = designee.get_by_role("region", name="Timeline")
    timeline.get_by_label("Note").fill(
        "Not in the directory: the school's account is @roosevelt_teddies. This one copies its logo; "
        "asked Angela Brooks to warn families in the newsletter."
    )
    timeline.get_by_role("button", name="Add the note").click()
    expect(designee.get_by_role("status")).to_have_text("Your note is added.")
    expect(timeline).to_contain_text("asked Angela Brooks to warn families")
    snap(designee, "registry-09-concern-note")

    # Resolved: reported to Instagram.
    resolve = designee.get_by_role("region", name="Resolve")
    resolve.get_by_label("Outcome").select_option(label=TAKEDOWN)
    resolve.get_by_label("What was done").fill(
        "Reported to Instagram as impersonation of a school; Instagram confirmed it will review the account."
    )
    snap(designee, "registry-10-concern-resolving")
    resolve.get_by_role("button", name="Resolve the report").click()

    expect(designee.get_by_role("status")).to_have_text(f"{reference} is resolved: {TAKEDOWN.lower()}.")
    expect(designee.get_by_role("main").get_by_text("Resolved", exact=True).first).to_be_visible()
    handling = designee.get_by_role("region", name="Handling")
    expect(handling).to_contain_text(f"Outcome{TAKEDOWN}")
    expect(handling).to_contain_text(f"by {DESIGNEE_NAME}")
    expect(handling).to_contain_text("Reported to Instagram as impersonation of a school")
    expect(handling.get_by_role("button", name=re.compile("assign", re.IGNORECASE))).to_have_count(0)
    expect(designee.get_by_role("region", name="Resolve")).to_have_count(0)  # a resolved report stays resolved

    steps = designee.get_by_role("region", name="Timeline").get_by_role("listitem")
    expect(steps).to_have_count(4)
    expect(steps.nth(0)).to_contain_text("Reported by a member of the public")
    expect(steps.nth(1)).to_contain_text(f"Assigned to {DESIGNEE_NAME} by {DESIGNEE_NAME}")
    expect(steps.nth(2)).to_contain_text(f"Note by {DESIGNEE_NAME}")
    expect(steps.nth(3)).to_contain_text(f"Resolved: {TAKEDOWN.lower()} by {DESIGNEE_NAME}")
    snap(designee, "registry-11-concern-resolved", "concern-resolved.png")

    # Back in the queue it has left the open reports, and the resolved ones list it.
    designee.get_by_role("link", name="Back to concern reports").click()
    expect(designee.get_by_role("heading", level=1)).to_have_text("Concern reports")
    expect(designee.get_by_role("table").get_by_role("row")).to_have_count(3)  # the demo's two open reports
    expect(designee.get_by_role("link", name=reference)).to_have_count(0)
    designee.get_by_role("list", name="Reports by status").get_by_role("link", name=re.compile("resolved")).click()
    row = designee.get_by_role("table").get_by_role("row").filter(has=designee.get_by_role("link", name=reference))
    expect(row).to_contain_text("Resolved")
    expect(row).to_contain_text(TAKEDOWN)
    expect(row).to_contain_text(DESIGNEE_NAME)
    snap(designee, "registry-12-concerns-resolved")
    designee.context.close()
