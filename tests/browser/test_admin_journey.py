"""The catalogue journey (R-DEF-A, R-III-A) in a real browser, on the demo district.

Robin Ellis, the portal's administrator, signs in to the portal, follows "Admin" to
Django's admin, adds Twitch to the platform catalogue (its addresses, so profile links
are read) and protects Lake Harriet's new mascot, the Lions, for the school. A parent
then pastes a Twitch lookalike into "Is this account official?": the portal reads the
new platform's address and names the protected name it uses.
"""

import pytest

from .conftest import check_accessibility, new_page, sign_in, snap


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_admin_adds_a_platform_and_a_protected_name(demo_district, live_server, browser):
    from playwright.sync_api import expect

    admin = new_page(browser)
    sign_in(admin, live_server.url, "admin@example.org")
    admin.get_by_role("banner").get_by_role("link", name="Admin").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Catalogue and records")
    snap(admin, "admin-01-index")

    # A platform: Twitch, with the addresses its profiles live at.
    admin.get_by_role("row").filter(has_text="Platforms").get_by_role("link", name="Add").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Add platform")
    admin.get_by_label("Name:").press_sequentially("Twitch")  # typed: the slug follows
    expect(admin.get_by_label("Slug:")).to_have_value("twitch")  # filled in from the name
    admin.get_by_label("Kind:").select_option(label="Social network")
    admin.get_by_label("Minimum age:").fill("13")
    admin.get_by_label("Community rules:").fill("https://safety.twitch.tv/s/article/Community-Guidelines")
    admin.get_by_label("Hosts:").fill('["twitch.tv", "m.twitch.tv"]')
    admin.get_by_label("Profile url template:").fill("https://www.twitch.tv/{handle}")
    snap(admin, "admin-02-add-platform", "admin-add-platform.png")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text("The platform “Twitch” was added successfully.")).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text="Twitch")).to_contain_text("Social network")
    snap(admin, "admin-03-platforms")

    # A protected name, the school's new mascot, from the admin's sidebar.
    sidebar = admin.get_by_role("navigation", name="Sidebar")
    sidebar.get_by_role("row").filter(has_text="Protected names").get_by_role("link", name="Add").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Add protected name")
    admin.get_by_label("Name:").fill("Lake Harriet Lions")
    admin.get_by_label("Kind:").select_option(label="Mascot")
    check_accessibility(admin)
    admin.get_by_role("combobox", name="Owner").click()
    admin.get_by_role("searchbox", name="Search: Owner").fill("Lake Harriet")
    admin.get_by_role("option", name="Lake Harriet Community School").click()
    admin.get_by_label("Notes:").fill("Chosen by the students in the spring vote.")
    snap(admin, "admin-04-add-protected-name")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.get_by_text("was added successfully")).to_be_visible()
    row = admin.get_by_role("row").filter(has_text="Lake Harriet Lions")
    expect(row).to_contain_text("Lake Harriet Community School")
    snap(admin, "admin-05-protected-names")
    admin.context.close()

    # A parent checks a lookalike on the new platform.
    parent = new_page(browser)
    parent.goto(live_server.url + "/verify/")
    check_accessibility(parent)
    parent.get_by_label("Profile address or @handle").fill("https://www.twitch.tv/lake_harriet_lions_live")
    parent.get_by_role("button", name="Check").click()
    answer = parent.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("We read this as @lake_harriet_lions_live on Twitch.")
    expect(answer.get_by_role("heading", name="It uses a protected name")).to_be_visible()
    expect(answer).to_contain_text("“Lake Harriet Lions”, a name that belongs to Lake Harriet Community School")
    snap(parent, "admin-06-verify-new-platform")
    parent.context.close()
