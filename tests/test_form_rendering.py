"""Every portal form renders through Django's own form templates, and what they tie
together for screen readers stays tied (WCAG 2.1 1.3.1, 3.3.1, 3.3.2): each label ``for``
its input (a ``<legend>`` for radio buttons), marked ``required`` when the field is; the
help text and the error list named in the input's ``aria-describedby``; the input
``aria-invalid`` when it has errors; everything a person typed or a label holds escaped.
A form that comes back with errors has GOV.UK's error summary on top, each error a link
to its field, and "Error: " begins the page's title (WCAG 2.1 3.3.1)."""

import importlib
import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.urls import reverse
from django.utils.safestring import mark_safe

from approvals import services
from approvals.models import Application
from mps_social.forms import PortalForm

from .a11y import assert_accessible
from .test_approvals import in_state

Status = Application.Status

FORM_MODULES = ["accounts.forms", "accounts.views_feed", "accounts.views_verify", "approvals.forms", "audits.forms",
                "concerns.forms", "credentials.forms", "notifications.forms", "people.forms", "roster.forms",
                "training.forms"]
NASTY = 'Arts & "Books" <Academy> O\'Keefe'


class Everything(PortalForm):
    name = forms.CharField(label=NASTY, help_text="Say <em>who</em>.", max_length=20)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    question = forms.CharField(label="Is it right?", required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Anything else.")
    count = forms.IntegerField(label=mark_safe("How <b>many</b>"), initial=1234, min_value=0)
    school = forms.ChoiceField(choices=[("", "Any"), ("Schools", [("n&1", NASTY), ("2", "South")])])
    answer = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect,
                               help_text="Pick one.")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError(f"The whole form is wrong: {NASTY}")


BAD = {"name": "x" * 30, "email": "not an email", "notes": "<script>alert(1)</script>\nline two",
       "count": "-1", "school": "nowhere", "answer": "maybe", "question": 'a "quoted" <value>'}


def contains(html: str, fragment: str) -> bool:
    """``fragment`` is in ``html`` as HTML: the same elements, attributes and text (the
    order of attributes and the whitespace between elements do not count)."""
    return parse_html(fragment) in parse_html(html)


def test_a_portal_form_is_rendered_by_djangos_templates():
    assert isinstance(Everything().renderer, DjangoTemplates)


def test_errors_and_help_are_tied_to_their_input_and_everything_is_escaped():
    html = str(Everything(BAD))
    assert html.startswith('<ul class="errorlist nonfield">')
    assert contains(html, '<ul class="errorlist nonfield"><li>The whole form is wrong: Arts &amp; &quot;Books&quot; '
                          "&lt;Academy&gt; O&#x27;Keefe</li><li>(Hidden field token) This field is required.</li></ul>")
    assert contains(html, '<label for="id_name" class="required">Arts &amp; &quot;Books&quot; &lt;Academy&gt; '
                          "O&#x27;Keefe</label>")
    assert contains(html, '<div class="helptext" id="id_name_helptext">Say <em>who</em>.</div>')  # help text is HTML
    assert contains(html, '<ul class="errorlist" id="id_name_error"><li>Ensure this value has at most 20 characters '
                          "(it has 30).</li></ul>")
    assert re.search(r'<input [^>]*aria-describedby="id_name_helptext id_name_error"[^>]*>', html)
    assert re.search(r'<input [^>]*aria-invalid="true"[^>]*id="id_name"', html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert 'value="a &quot;quoted&quot; &lt;value&gt;"' in html
    assert contains(html, '<label for="id_count" class="required">How <b>many</b></label>')  # a safe label as it is
    assert '<fieldset aria-describedby="id_answer_helptext id_answer_error">' in html
    assert contains(html, '<legend class="required">Answer</legend>')  # a legend names no single radio button
    assert contains(html, '<label for="id_email">Email</label>')  # an optional field is not marked
    assert re.search(r'<div class="(has-error required|required has-error)">', html)


def _portal_forms():
    for module in FORM_MODULES:
        importlib.import_module(module)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return set(subclasses(PortalForm)) - {Everything}


@pytest.mark.parametrize("data", [None, {}], ids=["unbound", "nothing filled in"])
def test_every_portal_form_ties_labels_help_and_errors_to_its_inputs(db, data):
    """Each form of the portal that needs nothing to be built: every visible field has a
    label for its input (or a legend for its group), and each help text and error list
    is named in what it describes."""
    checked = 0
    for form_class in _portal_forms():
        try:
            form = form_class(data)
        except TypeError:  # needs more to be built (a user, an application)
            continue
        form.is_valid()
        html = str(form)
        for field in form.visible_fields():
            if field.use_fieldset:
                assert "<legend" in html, f"{form_class.__name__}.{field.name}: no legend"
            else:
                assert re.search(rf'<label [^>]*for="{field.id_for_label}"', html), \
                    f"{form_class.__name__}.{field.name}: no label for its input"
            described = field.aria_describedby or ""
            if field.help_text:
                assert f"{field.auto_id}_helptext" in described, f"{form_class.__name__}.{field.name}: help text"
            if field.errors:
                assert f"{field.auto_id}_error" in described, f"{form_class.__name__}.{field.name}: errors"
                assert f'id="{field.auto_id}_error"' in html
        checked += 1
    assert checked >= 20  # the sweep finds the portal's forms (24 when the filters became FilterSets)


# --- the error summary and the page's title (GOV.UK's pattern; templates/includes/error_summary.html) ---


def _summary(html: str) -> str:
    start = html.index('<div class="form-error-summary"')
    return html[start: html.index("</div>", start)]


def test_the_error_summary_links_each_error_to_its_field_and_escapes_it():
    html = render_to_string("includes/error_summary.html", {"form": Everything(BAD), "note": "Kept <all>."})
    summary = _summary(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert contains(summary, '<h2 class="error-summary-title">There is a problem</h2>')
    # The form's own errors and a hidden field's are text: there is no field to go to.
    assert contains(summary, "<li>The whole form is wrong: Arts &amp; &quot;Books&quot; &lt;Academy&gt; "
                             "O&#x27;Keefe</li>")
    assert contains(summary, "<li>This field is required.</li>")  # the hidden token's
    assert contains(summary, '<li><a href="#id_name">Arts &amp; &quot;Books&quot; &lt;Academy&gt; O&#x27;Keefe — '
                             "Ensure this value has at most 20 characters (it has 30).</a></li>")
    assert contains(summary, '<li><a href="#id_answer_0">Answer — Select a valid choice. maybe is not one of the '
                             "available choices.</a></li>")  # a radio group: its first button
    assert summary.index("The whole form is wrong") < summary.index("#id_name") < summary.index("#id_answer_0")
    assert "<p>Kept &lt;all&gt;.</p>" in summary
    assert render_to_string("includes/error_summary.html", {"form": Everything()}).strip() == ""
    assert render_to_string("includes/error_summary.html", {"form": Everything({
        "name": "Ann", "notes": "n", "count": "1", "school": "2", "answer": "yes", "token": "t"})}).count("<li>") == 1


def test_a_form_page_with_errors_says_so_in_its_title_and_links_to_each_field(district, client_for):
    """The delegation form sent empty: "Error: " begins the title, the summary links to each
    field that needs fixing, and each link's target is the field that says why."""
    client = client_for("superintendent")
    url = reverse("people:grant_delegation")
    assert "<title>Name a designee" in client.get(url).content.decode()
    html = assert_accessible(client.post(url, {"reason": "kept"}).content.decode(), "delegation errors")
    assert re.search(r"<title>Error: Name a designee", html)
    targets = re.findall(r'<a href="#([^"]+)">', _summary(html))
    assert targets == ["id_grantee", "id_scope", "id_powers_0", "id_starts_on", "id_ends_on"]
    for target in targets:
        assert re.search(rf'<(input|select)[^>]*id="{target}"', html), target
    assert re.search(r'<input [^>]*aria-describedby="[^"]*id_grantee_error[^"]*"[^>]*aria-invalid="true"', html) \
        or re.search(r'<input [^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*id_grantee_error', html)


def test_each_form_of_a_page_with_several_comes_back_in_its_summary(district, client_for):
    """The application's page holds the comment and the withdrawal forms: a comment sent
    empty links to its box; a withdrawal the service refuses (it is withdrawn already)
    names no field, so the summary says it as text. One summary each time."""
    client = client_for("teacher")
    application = in_state(district, Status.SUBMITTED)
    html = client.post(reverse("approvals:comment", args=[application.pk]), {"body": ""}).content.decode()
    assert "<title>Error: " in html and html.count('class="form-error-summary"') == 1
    assert re.findall(r'<a href="#([^"]+)">', _summary(html)) == ["id_body"]
    services.withdraw(actor=district.teacher, application=application)
    html = client.post(reverse("approvals:withdraw", args=[application.pk]), {"reason": ""}).content.decode()
    summary = _summary(html)
    assert "<title>Error: " in html and html.count('class="form-error-summary"') == 1
    assert "<li>" in summary and "<a href" not in summary


def test_a_page_without_errors_has_no_summary_and_no_error_in_its_title(district, client_for):
    client = client_for("superintendent")
    for name in ["home", "people:delegations", "people:grant_delegation", "roster:upload", "concerns:queue",
                 "accounts:registry", "training:mine"]:
        html = client.get(reverse(name)).content.decode()
        assert "<title>Error: " not in html and "form-error-summary" not in html, name
