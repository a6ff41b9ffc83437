"""The roster journey (R-III-E) in a real browser, on the demo district.

The superintendent uploads HR's roster, in which Chris Olson, the web and social media
specialist who manages the district's main accounts, has left. The preview says so
before anything changes, and lists his leaving among the changes of authority, which
apply only once she has ticked to confirm them; applying it shows the progress and the
counts, and the findings page lists each of his accounts as having lost its site manager.
"""

import pytest

from people.models import User

from .conftest import check_accessibility, new_page, sign_in, snap


def demo_roster() -> bytes:
    lines = ["employee_id,email,full_name,kind,org_unit,supervisor_id,active,job_title"]
    for person in User.objects.exclude(employee_id=None).select_related("org_unit", "supervisor").order_by("pk"):
        active = "no" if person.email == "webmaster@example.org" else "yes"
        supervisor = person.supervisor.employee_id if person.supervisor else ""
        lines.append(f'{person.employee_id},{person.email},{person.full_name},{person.kind},{person.org_unit.code},'
                     f'{supervisor},{active},"{person.job_title}"')
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_office_previews_and_applies_a_roster(demo_district, live_server, browser):
    from playwright.sync_api import expect

    data = demo_roster()  # before the browser starts (see conftest)
    office = new_page(browser)
    sign_in(office, live_server.url, "superintendent@example.org")
    office.get_by_role("link", name="Import the staff roster").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Staff roster from HR")
    check_accessibility(office)
    office.get_by_label("Roster file (CSV)").set_input_files(
        files=[{"name": "hr-roster.csv", "mimeType": "text/csv", "buffer": data}])
    office.get_by_role("button", name="Check the roster").click()
    expect(office.get_by_role("heading", name="Leaving (deactivated)")).to_be_visible()
    expect(office.get_by_text("Chris Olson (E10010)", exact=True)).to_be_visible()
    authority = office.get_by_role("region", name="Changes of authority: the superintendent confirms them")
    expect(authority).to_contain_text("Line 11, Chris Olson")
    expect(authority).to_contain_text("deactivated")
    check_accessibility(office)
    snap(office, "roster-01-preview", "roster-preview.png")
    office.get_by_role("button", name="Confirm and apply the roster").click()
    expect(office.get_by_role("alert")).to_contain_text("The roster was not applied")
    expect(office.locator("#id_confirmed_error")).to_contain_text("Tick the box to confirm")
    check_accessibility(office)
    office.get_by_label("I have read every change of authority above and confirm them").check()
    office.get_by_role("button", name="Confirm and apply the roster").click()
    expect(office.get_by_role("status")).to_contain_text("Applied", timeout=20_000)
    expect(office.locator("dl.facts")).to_contain_text("Deactivations")
    snap(office, "roster-02-applied")
    office.get_by_role("link", name="Findings about site managers").click()
    rows = office.get_by_role("row").filter(has_text="left the district")
    expect(rows.first).to_be_visible()
    expect(office.get_by_role("main")).to_contain_text("Minneapolis Public Schools")
    snap(office, "roster-03-findings")
    office.context.close()
