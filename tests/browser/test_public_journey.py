"""A parent starts at the front door (issue [public], Policy 4038 §III.A, §III.E).

On the demo district, at desktop and at phone size: a parent opens the home page, where
"Is this account official?" comes first; pastes a lookalike that uses no protected name
(the issue's "@lakers_fan_page_xyz") into its box; reads that it is not an account the
district knows, and follows "Report this account" to the report form, which has the kind
chosen and the handle filled in. Then checks the district's YouTube channel, which the
demo marks compromised: the answer says it is official and warns not to trust it for now,
and the directory warns the same. axe-core checks every page.
"""

import re

import pytest

from .conftest import PHONE, new_page, snap

LOOKALIKE = "@lakers_fan_page_xyz"
WARNING = "Do not trust messages from this account for now: the district has lost control of it."


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_parent_checks_a_lookalike_from_the_home_and_reports_it(demo_district, live_server, browser, size):
    from playwright.sync_api import expect

    parent = new_page(browser, **(PHONE if size == "phone" else {}))
    parent.goto(live_server.url + "/")
    main = parent.get_by_role("main")
    expect(parent.get_by_role("heading", level=1)).to_contain_text("Official social media")
    # The verify box comes first; then a school's accounts; then "Report an account".
    headings = main.get_by_role("heading", level=2).all_inner_texts()
    assert headings[:3] == ["Is this account official?", "Find a school's accounts", "Report an account"], headings
    snap(parent, f"public-{size}-01-home")

    main.get_by_label("Profile address or @handle").fill(LOOKALIKE)
    main.get_by_role("button", name="Check").click()
    expect(parent).to_have_url(re.compile(r"/verify/\?q=%40lakers_fan_page_xyz"))
    answer = parent.get_by_role("region", name="Answer")
    expect(answer.get_by_role("heading", name="Not an account we know")).to_be_visible()
    expect(answer).to_contain_text("@lakers_fan_page_xyz is not one of the district's official accounts.")
    snap(parent, f"public-{size}-02-verify-lookalike")

    answer.get_by_role("link", name="Report this account").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Report a concern")
    expect(parent.get_by_label("Link or @handle")).to_have_value(LOOKALIKE)
    expect(parent.get_by_role("group", name="What are you reporting?")
           .get_by_role("radio", name=re.compile("^Impersonation"))).to_be_checked()
    snap(parent, f"public-{size}-03-report")

    # The demo's compromised account: official, and not to be trusted for now.
    parent.goto(live_server.url + "/verify/?q=%40MPSVideo")
    answer = parent.get_by_role("region", name="Answer")
    expect(answer.get_by_role("heading", level=3).first).to_have_text(
        "Yes: an official account of Communications Department")
    expect(answer).to_contain_text(WARNING)
    snap(parent, f"public-{size}-04-verify-compromised")

    parent.goto(live_server.url + "/directory/?q=MPSVideo")
    expect(parent.get_by_role("main")).to_contain_text(WARNING)
    expect(parent.get_by_role("main")).to_contain_text("Board meetings, graduations and stories")
    snap(parent, f"public-{size}-05-directory-compromised")
    parent.context.close()
