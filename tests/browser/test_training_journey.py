"""The training journey (R-V-C) in a real browser, on the demo district.

Jordan Reyes, soccer coach at Southwest and site manager of its team's account, let his
site manager training expire three days before the demo was loaded. His home page says
so; "Training" shows it overdue and the reminders he was sent. He opens the course, reads
it, answers two questions wrong and is told which, with what he chose kept; he corrects
them and passes, and the course reads current for another twelve months.
"""

import re

import pytest

from .conftest import check_accessibility, new_page, sign_in, snap

COURSE = "Social media site manager training"
QUESTIONS = [
    ("1. Who may reveal an account's escrowed log-in credentials?",
     "The site manager, their supervisor and the superintendent's office, each reveal logged"),
    ("2. A parent sends you a photo of students at a game. When may the account post it?",
     "When each student shown has a media release on file"),
    ("3. You changed the account's password at the platform. What next?",
     "Enter the new credentials in the portal, so the escrow stays current"),
    ("4. A fan account uses your school's mascot in its name. What do you do?",
     "Report it from the portal: only approved accounts may use the name (§III.A)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_coach_renews_his_expired_training_with_the_quiz(demo_district, live_server, browser):
    from playwright.sync_api import expect

    coach = new_page(browser)
    sign_in(coach, live_server.url, "coach@example.org")
    attention = coach.get_by_role("region", name="Needs your attention")
    expect(attention).to_contain_text(f"Renew your training: {COURSE}")
    expect(attention).to_contain_text("Overdue since")

    coach.get_by_role("navigation", name="Main").get_by_role("link", name="Training").click()
    expect(coach.get_by_role("heading", level=1)).to_have_text("My training")
    row = coach.get_by_role("region", name="Required of you").get_by_role("row").filter(has_text=COURSE)
    expect(row).to_contain_text("Expired")
    expect(row).to_contain_text("Overdue since")
    reminders = coach.get_by_role("region", name="Reminders sent to you")
    expect(reminders).to_contain_text("(your supervisor was copied)")
    snap(coach, "training-01-overdue", "training-overdue.png")

    row.get_by_role("link", name=COURSE).click()
    expect(coach.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(coach.get_by_role("region", name="The material")).to_contain_text("Credentials (§III.E).")
    quiz = coach.get_by_role("region", name="The quiz")
    # Two wrong answers: 2 of 4 is under the 75% that passes.
    for question, answer in QUESTIONS[:2]:
        quiz.get_by_role("group", name=question).get_by_label(answer).check()
    quiz.get_by_role("group", name=QUESTIONS[2][0]).get_by_label("Email the new password to your supervisor").check()
    quiz.get_by_role("group", name=QUESTIONS[3][0]).get_by_label("Nothing", exact=True).check()
    snap(coach, "training-02-quiz")
    quiz.get_by_role("button", name="Send my answers").click()

    quiz = coach.get_by_role("region", name="The quiz")
    expect(quiz.get_by_role("alert")).to_contain_text("You answered 2 of 4 correctly (50%); 75% passes.")
    for question, _ in QUESTIONS[2:]:
        wrong = quiz.get_by_role("group", name=question)
        expect(wrong).to_contain_text("Not quite: this answer is not the right one.")
        expect(wrong.get_by_role("radio", checked=True)).to_have_attribute("aria-invalid", "true")
    expect(quiz.get_by_role("group", name=QUESTIONS[3][0]).get_by_label("Nothing", exact=True)).to_be_checked()
    expect(quiz.get_by_role("group", name=QUESTIONS[0][0]).get_by_label(QUESTIONS[0][1])).to_be_checked()
    expect(quiz.get_by_role("alert")).to_be_focused()
    quiz.get_by_role("alert").get_by_role("link").first.click()  # to the first wrong answer: his own
    first_wrong = quiz.get_by_role("group", name=QUESTIONS[2][0])
    expect(first_wrong.get_by_label("Email the new password to your supervisor")).to_be_focused()
    snap(coach, "training-03-quiz-wrong")

    for question, answer in QUESTIONS[2:]:
        quiz.get_by_role("group", name=question).get_by_label(answer).check()
    quiz.get_by_role("button", name="Send my answers").click()
    expect(coach.get_by_role("status")).to_contain_text(re.compile(r"You passed with 100%\. It counts through"))
    expect(coach.locator(".page-head")).to_contain_text("Current")
    snap(coach, "training-04-passed")

    coach.get_by_role("link", name="My training", exact=True).click()
    row = coach.get_by_role("region", name="Required of you").get_by_role("row").filter(has_text=COURSE)
    expect(row).to_contain_text("Current")
    expect(row).to_contain_text("Valid through")
    check_accessibility(coach)
    coach.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    attention = coach.get_by_role("region", name="Needs your attention")
    expect(attention).not_to_contain_text(COURSE)  # off the list of what he has to do
    check_accessibility(coach)
    coach.context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_site_manager_acknowledges_a_new_regulation_before_escrowing(demo_district, live_server, browser, settings):
    """Priya Raman, site manager of Washburn Theatre (pending setup), acknowledged
    Regulation 6415 before its 2025 version. Escrowing the theatre's credentials is
    refused until she acknowledges the version in effect (R-IV-C); she does, under
    Training, and the credentials are escrowed."""
    from playwright.sync_api import expect

    settings.ESCROW_REQUIRE_MFA = False
    priya = new_page(browser)
    sign_in(priya, live_server.url, "teacher.washburn@example.org")
    priya.get_by_role("navigation", name="Main").get_by_role("link", name="My accounts").click()
    expect(priya.get_by_role("heading", level=1)).to_have_text("Accounts you keep")
    check_accessibility(priya)
    priya.get_by_role("main").get_by_role("link", name="Washburn Theatre").first.click()
    expect(priya.get_by_role("heading", level=1)).to_have_text("Washburn Theatre")
    check_accessibility(priya)
    priya.get_by_role("link", name="Escrow the credentials").click()
    priya.get_by_label("Log-in name or email at the platform").fill("theatre@example.org")
    priya.get_by_label("Password", exact=True).fill("Curtain-Up-Escrow-7")
    priya.get_by_role("button", name="Escrow the credentials").click()
    expect(priya.get_by_role("alert")).to_contain_text(
        "First acknowledge Regulation 6415: Internet and Educational Network Use (version 2025), under Training.")
    snap(priya, "acknowledge-01-escrow-refused")

    priya.get_by_role("navigation", name="Main").get_by_role("link", name="Training").click()
    expect(priya.get_by_role("heading", level=1)).to_have_text("My training")
    to_acknowledge = priya.get_by_role("note").filter(has=priya.get_by_role("heading", name="To acknowledge"))
    expect(to_acknowledge).to_contain_text("a new version, asked again")
    check_accessibility(priya)
    to_acknowledge.get_by_role("link", name=re.compile(r"^Regulation 6415")).click()
    expect(priya.get_by_role("heading", name="A new version")).to_be_visible()
    expect(priya.get_by_role("region", name="The text")).to_contain_text("New in 2025")
    check_accessibility(priya)
    priya.get_by_role("button", name="Acknowledge version 2025").click()  # the box not ticked
    expect(priya.locator("#id_confirm_error")).to_have_text("Tick the box to acknowledge it.")
    expect(priya.get_by_role("alert")).to_be_focused()
    priya.keyboard.press("Tab")
    priya.keyboard.press("Enter")  # the summary's link to the box
    expect(priya.get_by_label(re.compile(r"^I have read this version"))).to_be_focused()
    snap(priya, "acknowledge-02-not-ticked")
    priya.keyboard.press("Space")
    priya.get_by_role("button", name="Acknowledge version 2025").click()
    expect(priya.get_by_role("status")).to_have_text(
        "You acknowledged Regulation 6415: Internet and Educational Network Use, version 2025.")
    row = priya.get_by_role("row").filter(has_text="Regulation 6415")
    expect(row).to_contain_text("Acknowledged")
    snap(priya, "acknowledge-03-policies")

    priya.goto(live_server.url + "/registry/mine/")
    priya.get_by_role("main").get_by_role("link", name="Washburn Theatre").first.click()
    priya.get_by_role("link", name="Escrow the credentials").click()
    priya.get_by_label("Log-in name or email at the platform").fill("theatre@example.org")
    priya.get_by_label("Password", exact=True).fill("Curtain-Up-Escrow-7")
    priya.get_by_role("button", name="Escrow the credentials").click()
    expect(priya.get_by_text("The credentials are escrowed (version 1).")).to_be_visible()
    expect(priya.locator(".page-head")).to_contain_text("Active")
    snap(priya, "acknowledge-04-escrowed")
    priya.context.close()
