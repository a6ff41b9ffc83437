"""The application journey (R-V-B, R-III-H, R-III-C/D) in a real browser, on the demo district.

A teacher at Roosevelt applies for the robotics club's Instagram account; the audience
first includes middle schoolers, younger than Instagram admits, and the form says so
beside the field, keeping everything typed. Fixed, the application goes to the
principal, who endorses it; the designee authorizes the public platform for a student
activity and approves; the account is in the registry, pending setup.
"""

import re

import pytest

from .conftest import check_accessibility, new_page, sign_in, snap


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_teacher_applies_the_principal_endorses_the_designee_approves(demo_district, live_server, browser):
    from playwright.sync_api import expect

    base = live_server.url

    # The teacher applies, and first hits the age limit (R-III-H).
    teacher = new_page(browser)
    sign_in(teacher, base, "teacher@example.org")
    teacher.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("My applications")
    check_accessibility(teacher)
    teacher.get_by_role("link", name="Apply for an account").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Apply for an official account")
    teacher.get_by_label("Speaks for", exact=True).select_option(label="Roosevelt Robotics Club")
    teacher.get_by_label("Purpose", exact=True).select_option(label="A student activity")
    teacher.get_by_label("Platform", exact=True).select_option(label="Instagram: public, ages 13 and over")
    teacher.get_by_label("Proposed handle").fill("roosevelt_robotics_team")
    teacher.get_by_label("Display name").fill("Roosevelt Robotics Team")
    teacher.get_by_label("Students", exact=True).check()
    teacher.get_by_label("Students' grade band").select_option(label="Middle school (grades 6–8, from age 11)")
    teacher.get_by_label("Content plan").fill("Build logs, competition results and outreach events.")
    teacher.get_by_label("Moderation plan").fill("Comments limited to followers, checked every school day.")
    teacher.get_by_label("Why a public platform").fill("Sponsors and families follow competitions live.")
    teacher.get_by_label("Proposed site manager's email").fill("teacher@example.org")
    teacher.get_by_label("The account will follow the Internet and Educational Network Use policy (6415).").check()
    teacher.get_by_label("The account will follow the platform's rules, civil-discourse standards and age limits.").check()
    teacher.get_by_label("I am responsible for what the account discloses", exact=False).check()
    snap(teacher, "application-01-form")
    teacher.get_by_role("button", name="Send for endorsement").click()

    summary = teacher.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text("What you typed is kept.")
    expect(teacher).to_have_title(re.compile(r"^Error: "))
    summary.get_by_role("link", name=re.compile(r"^Students' grade band — .*admits users from age 13")).click()
    grade_band = teacher.get_by_label("Students' grade band")
    expect(grade_band).to_be_focused()
    expect(grade_band).to_have_attribute("aria-invalid", "true")
    expect(teacher.locator("#id_grade_band_error")).to_contain_text("admits users from age 13")
    expect(teacher.locator("#id_grade_band_error")).to_contain_text("§III.H")
    expect(teacher.get_by_label("Proposed handle")).to_have_value("roosevelt_robotics_team")
    snap(teacher, "application-02-age-refused", "application-age-refused.png")

    grade_band.select_option(label="High school (grades 9–12, from age 14)")
    teacher.get_by_role("button", name="Send for endorsement").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Roosevelt Robotics Team on Instagram")
    expect(teacher.get_by_text("Waiting for Angela Brooks to endorse it.")).to_be_visible()
    snap(teacher, "application-03-sent")

    # The principal endorses it from the count in the navigation.
    principal = new_page(browser)
    sign_in(principal, base, "principal@example.org")
    principal.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(r"^Endorsements 1")).click()
    expect(principal.get_by_role("heading", level=1)).to_have_text("Awaiting my endorsement")
    check_accessibility(principal)
    principal.get_by_role("link", name="Roosevelt Robotics Team on Instagram").click()
    principal.get_by_label("Endorse it").check()
    principal.get_by_label("Note or changes asked for").fill("The club has run safely on Moodle for two years.")
    snap(principal, "application-04-endorse")
    principal.get_by_role("button", name="Send my answer").click()
    expect(principal.get_by_text("You endorsed the application.")).to_be_visible()

    # The designee authorizes the public platform (R-III-C) and approves.
    designee = new_page(browser)
    sign_in(designee, base, "designee@example.org")
    designee.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile(r"^Decisions \d")).click()
    expect(designee.get_by_role("heading", level=1)).to_have_text("Awaiting my decision")
    check_accessibility(designee)
    designee.get_by_role("link", name="Roosevelt Robotics Team on Instagram").click()
    designee.get_by_label("Approve it").check()
    designee.get_by_label("Conditions, changes or reason").fill("Only first names of students, with releases.")
    designee.get_by_role("button", name="Record the decision").click()
    expect(designee.locator("#id_public_use_authorized_error")).to_contain_text("§III.C")
    designee.get_by_label("I authorize a public account for this educational use (Policy 4038 §III.C).").check()
    snap(designee, "application-05-decide", "application-decide.png")
    designee.get_by_role("button", name="Record the decision").click()
    expect(designee.get_by_text("is in the registry, pending setup")).to_be_visible()
    snap(designee, "application-06-approved")

    designee.get_by_role("navigation", name="Main").get_by_role("link", name="Registry").click()
    row = designee.get_by_role("row").filter(has_text="Roosevelt Robotics Team")
    expect(row).to_contain_text("Pending setup")
    expect(row).to_contain_text("Sam Nguyen")
    snap(designee, "application-07-registry")

    # The teacher sees the decision on their application.
    teacher.reload()
    expect(teacher.get_by_role("heading", name=re.compile(r"^Approved by Marcus Hill on"))).to_be_visible()
    snap(teacher, "application-08-teacher-sees-approval")
    for page in (teacher, principal, designee):
        page.context.close()
