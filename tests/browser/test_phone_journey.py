"""The public pages on a phone (WCAG 1.4.10 reflow), on the demo district.

A parent on a 390 × 844 phone opens the portal's home page, taps "Official accounts" in
the navigation, checks the school's Instagram on "Is this account official?", then a
lookalike, follows the invitation to report it, and mistypes an address. No page scrolls sideways (a data
table may, inside its own frame, reachable by keyboard), the navigation fits the screen,
and axe-core finds nothing on any of them. The
superintendent, signed in on her phone, has a dozen places in her navigation: they fold
behind a "Menu" button beside the portal's name (a <details>, which needs no JavaScript)
and open one a row, each big enough to tap, the current one marked; on a wider screen
they are all shown.
"""

from urllib.parse import quote

import pytest

from .conftest import PHONE, check_accessibility, new_page, sign_in, snap

WIDTH = PHONE["viewport"]["width"]


def assert_fits_the_screen(page) -> None:
    """No sideways scrolling: nothing is wider than the phone's screen, but a data table
    (WCAG 1.4.10 lets one need both directions), which scrolls inside its wrapper: a named
    region in the tab order, so a keyboard scrolls it too."""
    page.wait_for_function("""() => [...document.querySelectorAll(".table-wrap")]
        .every(wrap => wrap.scrollWidth <= wrap.clientWidth + 1 || wrap.getAttribute("tabindex") === "0")""")
    widths = page.evaluate("""(width) => ({
        document: document.documentElement.scrollWidth, body: document.body.scrollWidth,
        viewport: window.innerWidth,
        wider: [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > width + 0.5
                          && !el.closest(".visually-hidden, .skip-link, .table-wrap > table"))
            .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")).slice(0, 5),
        tables: [...document.querySelectorAll(".table-wrap")].filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
            .map(wrap => [wrap.getAttribute("role"), wrap.getAttribute("aria-label")]),
    })""", WIDTH)
    assert widths["viewport"] == WIDTH, widths  # a page wider than the screen makes a phone zoom out
    assert widths["document"] <= WIDTH and widths["body"] <= WIDTH, widths
    assert widths["wider"] == [], widths
    assert all(role == "region" and label for role, label in widths["tables"]), widths


def assert_navigation_fits(page, at_least: int) -> None:
    """Every link of the main navigation is on the screen, and at least 24 px high and wide
    (WCAG 2.5.8 asks that of targets; 2.1 has no size rule but a thumb does)."""
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    count = links.count()
    assert count >= at_least, count
    for index in range(count):
        box = links.nth(index).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (links.nth(index).inner_text(), box)
        assert box["height"] >= 24 and box["width"] >= 24, (links.nth(index).inner_text(), box)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_parent_checks_and_reports_an_account_on_a_phone(demo_district, live_server, browser):
    from playwright.sync_api import expect

    parent = new_page(browser, **PHONE)
    parent.goto(live_server.url + "/")
    expect(parent.get_by_role("heading", level=1)).to_contain_text("Official social media")
    assert_fits_the_screen(parent)
    assert_navigation_fits(parent, 1)
    snap(parent, "phone-01-home")

    parent.get_by_role("navigation", name="Main").get_by_role("link", name="Official accounts").tap()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Official social media accounts")
    expect(parent.get_by_role("main")).to_contain_text("Roosevelt Teddies")
    assert_fits_the_screen(parent)
    snap(parent, "phone-02-directory")

    parent.goto(live_server.url + "/verify/?q=" + quote("https://www.instagram.com/Roosevelt_Teddies/?hl=en"))
    answer = parent.get_by_role("region", name="Answer")
    expect(answer.get_by_role("heading", level=3).first).to_have_text(
        "Yes: an official account of Roosevelt High School")
    assert_fits_the_screen(parent)
    snap(parent, "phone-03-verify-official")

    field = parent.get_by_label("Profile address or @handle")
    field.fill("https://www.instagram.com/roosevelt_teddies.official/")
    parent.get_by_role("button", name="Check").tap()
    expect(answer.get_by_role("heading", name="It uses a protected name")).to_be_visible()
    assert_fits_the_screen(parent)
    snap(parent, "phone-04-verify-impersonator", "phone-verify.png")

    answer.get_by_role("link", name="Report this account").tap()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Report a concern")
    assert_fits_the_screen(parent)
    snap(parent, "phone-05-report")
    parent.get_by_role("button", name="Send the report").tap()  # nothing chosen: the errors, on a phone
    expect(parent.get_by_role("alert")).to_be_visible()
    assert_fits_the_screen(parent)
    snap(parent, "phone-06-report-errors")

    parent.goto(live_server.url + "/directory/roosevelt-hgih-school/")  # mistyped: the portal's own 404
    expect(parent.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    assert_fits_the_screen(parent)
    snap(parent, "phone-07-not-found")
    parent.context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_superintendents_navigation_folds_behind_a_menu_button_on_a_phone(demo_district, live_server, browser):
    from playwright.sync_api import expect

    office = new_page(browser, **PHONE)
    sign_in(office, live_server.url, "superintendent@example.org")
    navigation = office.get_by_role("navigation", name="Main")
    menu = navigation.locator("summary")
    compliance = navigation.get_by_role("link", name="Compliance")
    expect(menu).to_have_text("Menu")
    expect(compliance).to_be_hidden()
    assert office.get_by_role("main").bounding_box()["y"] < 150  # the name and the menu, then the page
    assert_fits_the_screen(office)
    snap(office, "phone-08-superintendent-home", "phone-superintendent.png")

    menu.tap()  # a <details>: it opens without JavaScript
    assert_navigation_fits(office, 12)
    expect(navigation.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    assert_fits_the_screen(office)
    snap(office, "phone-09-superintendent-menu")
    menu.press("Enter")  # the keyboard closes and opens it too
    expect(compliance).to_be_hidden()
    menu.press("Enter")
    expect(compliance).to_be_visible()

    compliance.tap()
    expect(office.get_by_role("heading", level=1)).to_have_text("Compliance with Policy 4038")
    expect(compliance).to_be_hidden()  # a new page, the menu closed
    menu.tap()
    expect(compliance).to_have_attribute("aria-current", "page")
    menu.tap()
    assert_fits_the_screen(office)
    snap(office, "phone-10-compliance")
    office.context.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_a_wider_screen_the_navigation_is_all_shown(demo_district, live_server, browser):
    from playwright.sync_api import expect

    office = new_page(browser)
    sign_in(office, live_server.url, "superintendent@example.org")
    navigation = office.get_by_role("navigation", name="Main")
    expect(navigation.locator("summary")).to_be_hidden()
    expect(navigation.get_by_role("link")).to_have_count(12)
    for index in range(12):
        expect(navigation.get_by_role("link").nth(index)).to_be_visible()
    expect(navigation.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    office.context.close()
