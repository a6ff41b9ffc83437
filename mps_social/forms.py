"""The base of every portal form: its rows carry the classes the stylesheet marks errors
and required fields with (Django itself ties each error to its field for screen readers)."""

from django import forms


class PortalForm(forms.Form):
    error_css_class = "has-error"
    required_css_class = "required"
