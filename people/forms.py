"""Forms of the people pages. They validate input; the services decide what is allowed."""

from django import forms
from django.utils import timezone

from mps_social.forms import PortalForm
from mps_social.widgets import LongSelect

from . import selectors
from .models import Power, User


class StaffEmailField(forms.EmailField):
    """A colleague named by their district email: a select of every employee would not
    scale to a district of 150,000 staff."""

    def clean(self, value):
        email = super().clean(value)
        if not email:
            return None
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError("Nobody on the staff roster has that email address.")
        return person


class DelegationForm(PortalForm):
    grantee = StaffEmailField(
        label="Designee's email",
        help_text="An active district employee, by their district email. They are told by email.",
    )
    scope = forms.ModelChoiceField(
        label="Over",
        queryset=selectors.org_units(),
        widget=LongSelect,
        help_text="Choose the district for the whole district, or one school, department or program and all within it.",
    )
    powers = forms.MultipleChoiceField(
        choices=Power.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Policy 4038 §III.C and §III.E: what the designee may do in your name.",
    )
    starts_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate()


class RevokeForm(PortalForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Recorded in the audit trail.")
