"""The base of every portal form: its rows carry the classes the stylesheet marks errors
and required fields with (Django itself ties each error to its field for screen readers),
and a service's refusal lands beside the field it names."""

from django import forms


class PortalForm(forms.Form):
    error_css_class = "has-error"
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # a label is a name, not "Name:"
        super().__init__(*args, **kwargs)

    def add_refusal(self, error) -> None:
        """Show a service's refusal (``mps_social.errors.ServiceError``) on the form: each
        message beside the field it names, or on top when it names none or a field the
        form does not have."""
        for field, messages in error.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
