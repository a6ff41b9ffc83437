"""mps_social.renderers.PortalFormRenderer writes what Django's form templates write: the
same elements, attributes and text, compared as parsed HTML (attribute order and
whitespace between elements do not count), for every part a page shows (the form, each
field's group, label, errors and input) and every case the templates branch on. What
ties a field's help text and errors to its input for screen readers is checked by name."""

import importlib

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from mps_social.forms import PortalForm
from mps_social.renderers import WRITERS, PortalFormRenderer

FORM_MODULES = ["accounts.forms", "accounts.views_feed", "accounts.views_verify", "approvals.forms", "audits.forms",
                "concerns.forms", "credentials.forms", "people.forms", "training.forms"]
NASTY = 'Arts & "Books" <Academy> O\'Keefe'


class Everything(PortalForm):
    name = forms.CharField(label=NASTY, help_text="Say <em>who</em>.", max_length=20)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": False,
                                                                            "data-x": None, "autofocus": True}))
    question = forms.CharField(label="Is it right?", required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Anything else.")
    count = forms.IntegerField(label=mark_safe("How <b>many</b>"), initial=1234, min_value=0)
    school = forms.ChoiceField(choices=[("", "Any"), ("Schools", [("n&1", NASTY), ("2", "South")]), (3, 3.5)])
    answer = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect,
                               help_text="Pick one.")
    agree = forms.BooleanField(required=False)
    token = forms.CharField(widget=forms.HiddenInput)
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        raise forms.ValidationError(f"The whole form is wrong: {NASTY}")


BAD = {"name": "x" * 30, "email": "not an email", "notes": "<script>alert(1)</script>\nline two",
       "count": "-1", "school": "nowhere", "answer": "maybe", "agree": "on", "question": 'a "quoted" <value>'}
GOOD = {"name": "Ann", "notes": "Fine & dandy", "count": "3", "school": "n&1", "answer": "yes", "token": "t",
        "when": "2026-11-24"}


def _pair(form_class, *args, **kwargs):
    """The same form rendered by the portal's renderer and by Django's."""
    return form_class(*args, **kwargs), form_class(*args, renderer=DjangoTemplates(), **kwargs)


def _same(ours, django_s, what):
    assert parse_html(str(ours)) == parse_html(str(django_s)), what


def _compare(ours, django_s):
    assert isinstance(ours.renderer, PortalFormRenderer) and not isinstance(django_s.renderer, PortalFormRenderer)
    _same(ours, django_s, "the form")
    _same(ours.non_field_errors(), django_s.non_field_errors(), "the form's errors")
    for name in ours.fields:
        for part in ("as_field_group", "label_tag", "legend_tag"):
            _same(getattr(ours[name], part)(), getattr(django_s[name], part)(), f"{name}: {part}")
        _same(ours[name].errors, django_s[name].errors, f"{name}: errors")
        _same(ours[name], django_s[name], f"{name}: input")


@pytest.mark.parametrize("data", [None, {}, BAD, GOOD], ids=["unbound", "empty", "bad", "good"])
@pytest.mark.parametrize("options", [{}, {"auto_id": False}, {"auto_id": "x_%s_y", "prefix": "p"},
                                     {"label_suffix": ":"}], ids=["ids", "no ids", "own ids", "suffix"])
def test_every_part_is_djangos_markup(data, options):
    ours, django_s = _pair(Everything, data, **options)
    ours.is_valid(), django_s.is_valid()
    _compare(ours, django_s)


def test_errors_and_help_are_tied_to_their_input_and_everything_is_escaped():
    form = Everything(BAD)
    html = str(form)
    assert html.startswith('<ul class="errorlist nonfield"><li>The whole form is wrong: Arts &amp; &quot;Books&quot; '
                           "&lt;Academy&gt; O&#x27;Keefe</li><li>(Hidden field token) This field is required.</li></ul>")
    assert '<label for="id_name" class="required">Arts &amp; &quot;Books&quot; &lt;Academy&gt; O&#x27;Keefe</label>' in html
    assert '<div class="helptext" id="id_name_helptext">Say <em>who</em>.</div>' in html  # help text is HTML
    assert '<ul class="errorlist" id="id_name_error"><li>' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html and 'aria-invalid="true"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert 'value="a &quot;quoted&quot; &lt;value&gt;"' in html
    assert '<label for="id_count" class="required">How <b>many</b></label>' in html  # a safe label as it is
    assert '<fieldset aria-describedby="id_answer_helptext id_answer_error">' in html
    assert '<legend class="required">Answer</legend>' in html  # a legend names no single radio button
    rows = [line for line in html.splitlines() if line.startswith("<div")]
    assert any("has-error" in row and "required" in row for row in rows)


def test_every_portal_form_renders_as_django_renders_it(db):
    """Each form of the portal that needs nothing to be built, unbound and with nothing filled in."""
    for module in FORM_MODULES:
        importlib.import_module(module)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    compared = 0
    for form_class in set(subclasses(PortalForm)) - {Everything}:
        for data in (None, {}):
            try:
                ours, django_s = _pair(form_class, data)
            except TypeError:  # needs more to be built (a user, an application)
                continue
            _compare(ours, django_s)
            compared += 1
    assert compared >= 30


def test_what_it_does_not_write_is_left_to_django(monkeypatch):
    """A select whose options have a template of their own, a field with a template of its
    own, radio buttons: Django's templates render them."""
    class Own(PortalForm):
        picked = forms.ChoiceField(choices=[("a", "A")], widget=forms.Select)
        named = forms.CharField(template_name="django/forms/p.html")
        answer = forms.ChoiceField(choices=[("yes", "Yes")], widget=forms.RadioSelect)

    Own.base_fields["picked"].widget.option_template_name = "django/forms/widgets/radio_option.html"
    ours, django_s = _pair(Own, {})
    ours.is_valid(), django_s.is_valid()
    _compare(ours, django_s)
    rendered = []
    render = DjangoTemplates.render
    monkeypatch.setattr(DjangoTemplates, "render",
                        lambda self, name, context, request=None: rendered.append(name) or render(self, name, context))
    str(ours)
    assert set(rendered) == {"django/forms/widgets/select.html", "django/forms/p.html", "django/forms/widgets/radio.html"}


def test_a_template_an_app_overrides_is_rendered_not_written(monkeypatch):
    renderer = PortalFormRenderer()
    assert renderer.writers.keys() == WRITERS.keys()  # none is overridden in the portal
    get_template = renderer.get_template

    class Elsewhere:
        def __init__(self, template):
            self.origin = type("Origin", (), {"name": "/srv/app/templates/django/forms/widgets/attrs.html"})()
            self.render = template.render

    def overriding(name):
        template = get_template(name)
        return Elsewhere(template) if name == "django/forms/widgets/attrs.html" else template

    monkeypatch.setattr(renderer, "get_template", overriding)
    kept = PortalFormRenderer.writers.func(renderer).keys()
    assert "django/forms/field.html" in kept and "django/forms/label.html" in kept
    assert "django/forms/widgets/textarea.html" not in kept and "django/forms/widgets/email.html" not in kept
