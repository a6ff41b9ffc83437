"""The inbox's forms. They validate input; ``notifications.inbox`` decides what is allowed."""

from django import forms

from mps_social.forms import PortalForm

from . import kinds
from .models import Preference


class DeliveryForm(PortalForm):
    """One radio group per kind a person may choose for (each in its fieldset, its legend
    the kind's name); the mandatory kinds are listed on the page, not offered here."""

    def __init__(self, *args, choices: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = choices or {}
        for kind in kinds.CHOOSABLE:
            self.fields[kind.slug] = forms.ChoiceField(
                label=kind.label, help_text=kind.description, choices=Preference.Delivery.choices,
                widget=forms.RadioSelect, initial=choices.get(kind.slug, Preference.Delivery.AT_ONCE),
                error_messages={"required": "Choose how these messages reach you."},
            )


class MarkReadForm(PortalForm):
    """Mark one entry read, and go on to what it is about (``open``) or stay in the inbox."""

    then = forms.ChoiceField(choices=[("inbox", "Stay in the inbox"), ("open", "Open what it is about")],
                             required=False)
    page = forms.IntegerField(min_value=1, required=False)


class MarkAllReadForm(PortalForm):
    """Mark all read, up to the newest message the page showed: one that arrived since
    stays unread."""

    up_to = forms.IntegerField(min_value=1, required=False)
