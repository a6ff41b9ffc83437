"""The application form with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7, 3.3.1, 4.1.3).

Sam Nguyen opens "Apply for an account" and puts the mouse away. The skip link takes him
past the navigation; Tab then reaches the section index and every field of every section
in the order the page reads, each with a visible focus ring, and the two buttons last.
He chooses whom the account speaks for with the arrow keys, types a handle and sends the
form with Enter on "Send for endorsement": the page's title begins "Error:", the error
summary ("There is a problem") is announced (role=alert) and has focus, each error a link
that takes him to its field; every field still missing says why beside it and is tied to
that message (aria-invalid, aria-describedby). Space on "Save draft" keeps what he has as
a draft.
"""

import re

import pytest

from approvals.forms import SECTIONS

from .conftest import check_accessibility, new_page, sign_in, snap

# What the focused element is, in words a failure message can show.
DESCRIBE_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "(body)";
  if (["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) return "field:" + el.name;
  return el.tagName.toLowerCase() + ":" + el.textContent.trim().replace(/\\s+/g, " ");
}"""

# The focus indicator the stylesheet draws (:focus-visible), as the browser computes it.
FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {visible: el.matches(":focus-visible"), outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
          shadow: style.boxShadow};
}"""

FIELDS = [name for _, _, names in SECTIONS for name in names]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_teacher_fills_and_sends_the_application_form_with_the_keyboard(demo_district, live_server, browser):
    from playwright.sync_api import expect

    teacher = new_page(browser)
    sign_in(teacher, live_server.url, "teacher@example.org")
    teacher.goto(live_server.url + "/applications/new/")
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Apply for an official account")
    check_accessibility(teacher)
    keyboard = teacher.keyboard

    # The skip link is the first stop, and takes focus past the header.
    keyboard.press("Tab")
    assert teacher.evaluate(DESCRIBE_FOCUS) == "a:Skip to main content"
    assert teacher.evaluate(FOCUS_STYLE)["outline"] != "none"
    snap(teacher, "keyboard-01-skip-link")
    keyboard.press("Enter")
    expect(teacher.get_by_role("main")).to_be_focused()

    # Then the section index, every field in reading order, and the buttons. On the way he
    # chooses whom the account speaks for with the arrow keys and types the handle.
    stops = []
    while not stops or stops[-1] != "button:Send for endorsement":
        keyboard.press("Tab")
        stops.append(teacher.evaluate(DESCRIBE_FOCUS))
        style = teacher.evaluate(FOCUS_STYLE)
        assert style["visible"] and style["outline"] == "solid" and style["width"] >= 2, (stops[-1], style)
        assert len(stops) < 60, stops
        if stops[-1] == "field:org_unit":
            keyboard.press("ArrowDown")
        elif stops[-1] == "field:handle":
            keyboard.type("roosevelt_robotics_team")
            snap(teacher, "keyboard-02-focus-visible")
    sections = [f"a:{title}" for title, _, _ in SECTIONS]
    fields = [f"field:{name}" for name in FIELDS]  # the audience's radio group is one stop
    assert stops == [*sections, *fields, "button:Save draft", "button:Send for endorsement"]
    expect(teacher.get_by_label("Speaks for", exact=True)).not_to_have_value("")
    keyboard.press("Enter")

    # The error summary, announced and focused, says so first ("Error: " in the title too),
    # each error a link to its field; Tab and Enter on the first take him to Purpose.
    summary = teacher.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text("What you typed is kept.")
    expect(summary).to_be_focused()
    assert teacher.evaluate(FOCUS_STYLE)["outline"] != "none"  # a scripted focus is drawn as well
    expect(teacher).to_have_title(re.compile(r"^Error: Apply for an account"))
    links = summary.get_by_role("link")
    expect(links.first).to_have_text("Purpose — Choose what the account is for.")
    for name in ["purpose", "display_name", "content_plan", "site_manager"]:
        expect(summary.locator(f'a[href="#id_{name}"]')).to_have_count(1)
    keyboard.press("Tab")
    expect(links.first).to_be_focused()
    keyboard.press("Enter")
    purpose = teacher.get_by_label("Purpose", exact=True)
    expect(purpose).to_be_focused()
    assert teacher.evaluate(FOCUS_STYLE)["outline"] != "none"
    expect(teacher.get_by_label("Proposed handle")).to_have_value("roosevelt_robotics_team")
    for name, message in [("purpose", "Choose what the account is for."),
                          ("display_name", "Give the name the account will show."),
                          ("content_plan", "Say what the account will post"),
                          ("site_manager", "Name the employee who will manage the account")]:
        field = teacher.locator(f"[name={name}]")
        expect(field).to_have_attribute("aria-invalid", "true")
        described_by = field.get_attribute("aria-describedby") or ""
        assert f"id_{name}_error" in described_by.split(), (name, described_by)
        expect(teacher.locator(f"#id_{name}_error")).to_contain_text(message)
        expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    audience = teacher.get_by_role("group", name="Audience")
    expect(audience).to_have_accessible_description(re.compile("Choose whom the account speaks to."))
    expect(teacher.get_by_label("Speaks for", exact=True)).not_to_have_attribute("aria-invalid", "true")
    snap(teacher, "keyboard-03-errors-announced")

    # On to "Save draft" with Tab; Space keeps what he has as a draft.
    for _ in range(len(FIELDS) + 2):
        keyboard.press("Tab")
        if teacher.evaluate(DESCRIBE_FOCUS) == "button:Save draft":
            break
    assert teacher.evaluate(DESCRIBE_FOCUS) == "button:Save draft"
    keyboard.press("Space")
    expect(teacher.get_by_role("status")).to_contain_text("Your draft is saved.")
    expect(teacher.get_by_label("Proposed handle")).to_have_value("roosevelt_robotics_team")
    check_accessibility(teacher)
    teacher.context.close()
