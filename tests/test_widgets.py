"""mps_social.widgets.LongSelect renders what Django's Select renders, only faster: the
same elements, attributes and text (compared as parsed HTML, so attribute order and
whitespace between options do not count)."""

from django import forms
from django.test.html import parse_html

from mps_social.widgets import LongSelect

CHOICES = [("", "All schools"), ("north", "North High"), ("a&b", "Arts & \"Books\" <Academy>"), ("o'k", "O'Keefe")]


def _markup(widget_class, value, attrs=None, choices=CHOICES) -> str:
    class Form(forms.Form):
        school = forms.ChoiceField(choices=choices, required=False, widget=widget_class(attrs=attrs))

    form = Form({"school": value})
    form.is_valid()
    return str(form["school"])


def test_the_markup_is_django_selects_with_values_and_labels_escaped():
    for value in ("", "north", "a&b", "o'k", "nowhere"):
        assert parse_html(_markup(LongSelect, value)) == parse_html(_markup(forms.Select, value)), value
    assert 'value="a&amp;b" selected>Arts &amp; &quot;Books&quot; &lt;Academy&gt;</option>' in _markup(LongSelect, "a&b")


def test_attributes_and_groups_are_kept():
    grouped = [("", "Any"), ("Schools", [("north", "North High")]), ("Departments", [("comm", "Communications")])]
    attrs = {"aria-describedby": "help", "required": True, "disabled": False}
    assert parse_html(_markup(LongSelect, "comm", attrs, grouped)) == parse_html(
        _markup(forms.Select, "comm", attrs, grouped))
