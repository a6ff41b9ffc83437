"""Forms of the registry's staff pages. They check input; the services decide."""

from django import forms

from mps_social.forms import PortalForm
from people.forms import StaffEmailField

from .models import OfficialAccount, Platform


class RegistryFilterForm(PortalForm):
    q = forms.CharField(label="Search", required=False, help_text="Name, handle or unit.")
    status = forms.ChoiceField(choices=[("", "Any status"), *OfficialAccount.Status.choices], required=False)
    platform = forms.ModelChoiceField(Platform.objects.all(), required=False, empty_label="Any platform",
                                      to_field_name="slug")


class StatusForm(PortalForm):
    status = forms.ChoiceField(
        label="New status",
        choices=[(OfficialAccount.Status.SUSPENDED, "Suspend"), (OfficialAccount.Status.ACTIVE, "Reinstate"),
                 (OfficialAccount.Status.RETIRED, "Retire")],
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Recorded and sent to the site manager.")


class HandOverForm(PortalForm):
    new_site_manager = StaffEmailField(label="New site manager's email",
                                       help_text="An active district employee (Policy 4038 §III.E).")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class BackupForm(PortalForm):
    backup = StaffEmailField(label="Backup's email", required=False, help_text="Leave empty to clear the backup.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


YES_NO = [("yes", "Yes"), ("no", "No")]


class ReviewForm(PortalForm):
    """R-V-D: the annual review, one yes/no per question."""

    still_needed = forms.TypedChoiceField(label="Is the account still needed and in use?", choices=YES_NO,
                                          widget=forms.RadioSelect, coerce=lambda v: v == "yes")
    details_correct = forms.TypedChoiceField(label="Are its name, handle and link right?", choices=YES_NO,
                                             widget=forms.RadioSelect, coerce=lambda v: v == "yes")
    recovery_district_owned = forms.TypedChoiceField(
        label="Do its recovery email and phone belong to the district?", choices=YES_NO, widget=forms.RadioSelect,
        coerce=lambda v: v == "yes")
    two_factor_enabled = forms.TypedChoiceField(label="Is two-factor sign-in on at the platform?", choices=YES_NO,
                                                widget=forms.RadioSelect, coerce=lambda v: v == "yes")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                            help_text="Required for any answer that is not yes: what is being done about it.")
