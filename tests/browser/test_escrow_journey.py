"""The escrow journey (R-III-E) in a real browser, on the demo district.

Sam Nguyen, site manager of the pending Roosevelt Robotics account, escrows its log-in
credentials: the account turns active. His principal, Angela Brooks, reveals them with a
reason, after entering her password again (allauth's reauthentication); the secret is
on the page, and gone from it after the minute is up. Sam then sees the reveal and the
rotation it made due (the mail he is sent is tested in tests/test_escrow.py).
"""

import re

import pytest

from people.demo import DEMO_PASSWORD

from .conftest import check_accessibility, new_page, sign_in, snap

PASSWORD = "Robotics-Escrow-Canary-42"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_site_manager_escrows_and_the_supervisor_reveals(demo_district, live_server, browser, settings):
    from playwright.sync_api import expect

    settings.ESCROW_REQUIRE_MFA = False  # the demo's setting; the page says so
    base = live_server.url

    teacher = new_page(browser)
    sign_in(teacher, base, "teacher@example.org")
    teacher.get_by_role("navigation", name="Main").get_by_role("link", name="My accounts").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Accounts you keep")
    check_accessibility(teacher)
    teacher.get_by_role("link", name="Roosevelt Robotics").click()
    expect(teacher.get_by_text("Not escrowed yet: the account becomes active once they are.")).to_be_visible()
    teacher.get_by_role("link", name="Escrow the credentials").click()
    teacher.get_by_label("Log-in name or email at the platform").fill("robotics@example.org")
    teacher.get_by_label("Password", exact=True).fill(PASSWORD)
    teacher.get_by_label("Recovery email").fill("social-recovery@example.org")
    snap(teacher, "escrow-01-form")
    teacher.get_by_role("button", name="Escrow the credentials").click()
    expect(teacher.get_by_text("The credentials are escrowed (version 1).")).to_be_visible()
    expect(teacher.locator(".page-head")).to_contain_text("Active")
    assert PASSWORD not in teacher.content()
    snap(teacher, "escrow-02-active")

    principal = new_page(browser)
    principal.clock.install()
    sign_in(principal, base, "principal@example.org")
    principal.get_by_role("navigation", name="Main").get_by_role("link", name="Credentials").click()
    row = principal.get_by_role("row").filter(has_text="Roosevelt Robotics")
    expect(row).to_contain_text("Sam Nguyen")
    expect(principal.get_by_text("Demo setting: second factor not required")).to_be_visible()
    check_accessibility(principal)
    row.get_by_role("link", name=re.compile("^Reveal")).click()
    principal.get_by_label("Hand the account over").check()
    principal.get_by_label("In a few words").fill("Sam is on leave; the club's coach takes over the posts.")
    check_accessibility(principal)
    principal.get_by_role("button", name="Reveal the credentials").click()

    expect(principal).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    principal.get_by_label("Password").fill(DEMO_PASSWORD)
    snap(principal, "escrow-03-reauthenticate")
    principal.get_by_role("button", name="Confirm").click()
    expect(principal.get_by_text(PASSWORD)).to_be_visible()
    snap(principal, "escrow-04-revealed", "escrow-revealed.png")

    principal.clock.fast_forward(61_000)  # a minute later the secret is off the page
    expect(principal.get_by_text(PASSWORD)).to_have_count(0)
    expect(principal.get_by_text("Hidden.")).to_be_visible()

    teacher.goto(base + "/registry/mine/")
    check_accessibility(teacher)
    teacher.get_by_role("link", name="Roosevelt Robotics").click()
    expect(teacher.get_by_text(re.compile(r"Rotation due: Revealed to Angela Brooks"))).to_be_visible()
    snap(teacher, "escrow-05-rotation-due")
    for page in (teacher, principal):
        page.context.close()
