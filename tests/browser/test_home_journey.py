"""The home page leads each person to their work (issue #22), in a real browser, on the
demo district.

Sam Nguyen signs in: "Needs your attention" lists, most urgent first, the Roosevelt Robotics
account waiting for him to escrow its credentials, his application sent back for changes,
the applicants' checklist and his draft, each with why and by when. He follows the escrow
item straight to the page where it is done (R-III-E). On the account's own page the same
step is the first thing he meets.
"""

import re

import pytest

from .conftest import check_accessibility, new_page, sign_in, snap

ESCROW = "Escrow the credentials of Roosevelt Robotics"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_teacher_follows_his_list_to_the_escrow(demo_district, live_server, browser):
    from playwright.sync_api import expect

    teacher = new_page(browser)
    sign_in(teacher, live_server.url, "teacher@example.org")
    attention = teacher.get_by_role("region", name="Needs your attention")
    items = attention.get_by_role("listitem")
    expect(items).to_have_count(4)
    expect(items.nth(0).get_by_role("heading", level=3)).to_have_text(ESCROW)
    expect(items.nth(0)).to_contain_text("The account turns active once its log-in is escrowed with the district.")
    expect(items.nth(1)).to_contain_text("Make the changes asked for to RHS Science Department")
    expect(items.nth(1)).to_contain_text("Please say who covers moderation")
    expect(items.nth(3)).to_contain_text("Finish your draft: Roosevelt Science Olympiad")
    expect(teacher.get_by_role("region", name="What you keep")).to_contain_text("Roosevelt Robotics")
    snap(teacher, "home-01-teacher")

    items.nth(0).get_by_role("link", name=re.compile(f"^Escrow the credentials.*{ESCROW}$")).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(ESCROW)
    check_accessibility(teacher)

    teacher.get_by_role("link", name="My accounts", exact=True).first.click()
    check_accessibility(teacher)
    teacher.get_by_role("main").get_by_role("link", name="Roosevelt Robotics").click()
    next_step = teacher.get_by_role("region", name="Next: escrow its log-in")
    expect(next_step).to_contain_text("The account turns active once the district holds its log-in.")
    expect(next_step.get_by_role("link", name="Escrow the credentials")).to_be_visible()
    check_accessibility(teacher)
    teacher.context.close()
