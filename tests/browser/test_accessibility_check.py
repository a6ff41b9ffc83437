"""The axe-core check every journey runs (conftest.check_accessibility) catches what it
should: it is proved here on pages built for it, without the portal."""

import pytest

from .conftest import check_accessibility

PAGE = """<!DOCTYPE html><html lang="en"><head><title>A test page</title></head>
<body><main><h1>A test page</h1>{}</main></body></html>"""


def test_a_serious_violation_fails_the_page(page):
    page.set_content(PAGE.format('<p><input type="text"></p>'))  # a field with no label: critical
    with pytest.raises(AssertionError, match=r"label \(critical\)"):
        check_accessibility(page)


def test_a_serious_violation_cannot_be_allowed(page):
    page.set_content(PAGE.format('<p><input type="text"></p>'))
    with pytest.raises(AssertionError, match=r"label \(critical\)"):
        check_accessibility(page, allowed={"label": "no reason is good enough"})


def test_a_moderate_violation_fails_unless_allowed_with_a_reason(page):
    page.set_content(PAGE.format("<h3>A skipped heading level</h3>"))  # heading-order: moderate
    with pytest.raises(AssertionError, match=r"heading-order \(moderate\)"):
        check_accessibility(page)
    with pytest.raises(AssertionError, match="needs a reason"):
        check_accessibility(page, allowed={"heading-order": " "})
    check_accessibility(page, allowed={"heading-order": "a test page built to have one"})


def test_a_clean_page_passes(page):
    page.set_content(PAGE.format('<p><label for="q">Search</label> <input id="q" type="text"></p>'))
    check_accessibility(page)
