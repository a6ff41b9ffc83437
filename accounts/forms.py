"""Forms of the registry's staff pages. They check input; the services decide."""

from django import forms

from mps_social.forms import PortalForm
from mps_social.widgets import LongSelect
from people.forms import StaffEmailField

from .models import DESCRIPTION_MAX, OfficialAccount, Platform
from .rules import refuse_hidden_characters


class StatusForm(PortalForm):
    status = forms.ChoiceField(
        label="New status",
        choices=[(OfficialAccount.Status.SUSPENDED, "Suspend"), (OfficialAccount.Status.ACTIVE, "Reinstate"),
                 (OfficialAccount.Status.RETIRED, "Retire")],
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Recorded and sent to the site manager.")


class CompromisedForm(PortalForm):
    """Policy 4038 §III.E: the district has lost control of the account."""

    reason = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what happened: how the district lost control of the account."},
        help_text="Recorded, and sent to its site manager, their supervisor and the office. Families see only "
                  "a warning, never this text.")


class RecoveredForm(PortalForm):
    note = forms.CharField(
        label="How it was recovered", widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say how the district got the account back."},
        help_text="Recorded, and sent to the same people. The public warning ends.")


class HandOverForm(PortalForm):
    new_site_manager = StaffEmailField(label="New site manager's email",
                                       help_text="An active district employee whose site manager training is current "
                                       "(Policy 4038 §III.E, §V.C).")
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


class EstablishForm(PortalForm):
    """R-III-B: the superintendent's office establishes an account without an application."""

    org_unit = forms.ModelChoiceField(queryset=None, label="Speaks for", widget=LongSelect,
                                      empty_label="Choose a school, department or program")
    platform = forms.ModelChoiceField(queryset=Platform.objects.filter(is_active=True), empty_label="Choose a platform")
    handle = forms.CharField(label="Handle or profile address", max_length=300,
                             validators=[refuse_hidden_characters],
                             help_text="E.g. @mps_news or https://www.instagram.com/mps_news/.")
    display_name = forms.CharField(max_length=150, validators=[refuse_hidden_characters])
    description = forms.CharField(
        label="What it posts, in one line", max_length=DESCRIPTION_MAX, required=False,
        validators=[refuse_hidden_characters],
        help_text="For families, shown beside the account in the public directory.")
    site_manager = StaffEmailField(label="Site manager's email",
                                   help_text="An active district employee whose site manager training is current "
                                   "(Policy 4038 §III.E, §V.C).")
    backup = StaffEmailField(label="Backup's email", required=False, help_text="Optional.")
    audience_min_age = forms.IntegerField(
        label="Age of the youngest in its audience", required=False, min_value=0, max_value=99,
        help_text="Leave empty for a general audience. Below the platform's minimum age is refused (§III.H).")
    reason = forms.CharField(label="Why directly", widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Recorded: the account is marked as established by the superintendent's office.")
    name_override_reason = forms.CharField(
        label="Why this unit may use another unit's protected name", widget=forms.Textarea(attrs={"rows": 2}),
        required=False, help_text="Only when the handle or name uses one (Policy 4038 §III.A).")

    def __init__(self, *args, org_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units


class EditAccountForm(PortalForm):
    """The superintendent's office corrects an account's details (``services.edit_account``):
    what the platform and the district call it now, and which unit it speaks for."""

    display_name = forms.CharField(max_length=150, validators=[refuse_hidden_characters])
    handle = forms.CharField(label="Handle or profile address", max_length=300,
                             validators=[refuse_hidden_characters],
                             help_text="As the platform shows it now. The old handle stays known: "
                             "\u201cis this account official?\u201d answers \u201cformerly \u2026, now \u2026\u201d.")
    description = forms.CharField(
        label="What it posts, in one line", max_length=DESCRIPTION_MAX, required=False,
        validators=[refuse_hidden_characters],
        help_text="For families, shown beside the account in the public directory.")
    org_unit = forms.ModelChoiceField(queryset=None, label="Speaks for", widget=LongSelect,
                                      help_text="Moving it to another unit moves it in the directory too.")
    reason = forms.CharField(label="What changed, and why", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             help_text="Recorded with the change and sent to the site manager.")
    name_override_reason = forms.CharField(
        label="Why this unit may use another unit's protected name", widget=forms.Textarea(attrs={"rows": 2}),
        required=False, help_text="Only when the new handle or name uses one (Policy 4038 §III.A).")

    def __init__(self, *args, org_units, account, **kwargs):
        kwargs.setdefault("initial", {"display_name": account.display_name, "handle": account.url or account.handle,
                                      "description": account.description, "org_unit": account.org_unit_id})
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units


class HandOverAllForm(PortalForm):
    """R-III-E: a leaver's accounts to one successor (``services.hand_over_all``)."""

    successor = StaffEmailField(label="Successor's email",
                                help_text="An active district employee whose site manager training is current "
                                "(Policy 4038 §III.E, §V.C). Each account is checked before anything changes.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="E.g. left the district on May 4, 2027. Recorded on each account and sent "
                             "with each handover.")
