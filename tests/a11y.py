"""Accessibility checks every page test can run on the HTML it gets (WCAG 2.1 AA: one h1
and no skipped heading levels, a label for every field, scoped table headers, no empty
links, no inline script, style or event handlers, which the Content-Security-Policy
forbids anyway)."""

import re
from html.parser import HTMLParser


class PageAudit(HTMLParser):
    """Collects what the accessibility checks need from one page."""

    def __init__(self):
        super().__init__()
        self.headings, self.labels, self.fields, self.ths = [], set(), [], []
        self.inline_script, self.style_attrs, self.handlers = 0, [], []
        self.links, self._link = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.fields.append(attrs.get("id"))
        if tag == "th":
            self.ths.append(attrs.get("scope"))
        if tag == "script" and not attrs.get("src"):
            self.inline_script += 1
        if "style" in attrs:
            self.style_attrs.append(tag)
        self.handlers += [name for name in attrs if name.startswith("on")]
        if tag == "a":
            self._link = {"href": attrs.get("href"), "text": ""}
            self.links.append(self._link)

    def handle_endtag(self, tag):
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"] += data


def audit(html) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    return parser


def assert_no_inline_script_or_style(html):
    page = audit(html)
    assert page.inline_script == 0 and page.style_attrs == [] and page.handlers == []


def assert_accessible(html: str, url: str = "") -> str:
    page = audit(html)
    assert page.headings[0] == 1 and page.headings.count(1) == 1, url
    for previous, current in zip(page.headings, page.headings[1:]):
        assert current <= previous + 1, f"{url}: heading h{current} after h{previous}"
    unlabelled = [field for field in page.fields if field not in page.labels]
    assert unlabelled == [], f"{url}: fields without a label: {unlabelled}"
    assert all(scope in ("col", "row") for scope in page.ths), url
    assert all(link["text"].strip() for link in page.links), url
    assert page.inline_script == 0 and page.style_attrs == [] and page.handlers == [], url
    return html
