"""Forms of the concern pages. They validate input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mps_social.forms import PortalForm

from . import selectors
from .models import ConcernReport
from .services import MAX_LINK, MAX_TEXT


class ReportForm(PortalForm):
    """The public report form: its words are in the visitor's language (issue #23)."""

    kind = forms.ChoiceField(
        label=_("What are you reporting?"),
        choices=ConcernReport.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you are reporting."),
                        "invalid_choice": _("Choose what you are reporting.")},
        help_text=_("Only the district's approved accounts may use its name, its schools', mascots' or teams' "
                    "names (Policy 4038 §III.A)."),
    )
    link = forms.CharField(
        label=_("Link or @handle"),
        required=False,
        max_length=MAX_LINK,
        help_text=_("Paste the address of the account or post, or its @handle, if you have it."),
        error_messages={"max_length": _("Keep the link under %(limit_value)d characters.")},
    )
    description = forms.CharField(
        label=_("What did you see?"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell us what you saw."),
                        "max_length": _("Keep the description under %(limit_value)d characters.")},
        help_text=_("Where and when, and why it concerns you. Please do not repeat private information "
                    "itself: say where it appears."),
    )
    reporter_email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        help_text=_("Only to tell you when the report has been dealt with. Leave it empty to stay anonymous."),
        error_messages={"invalid": _("Enter an email address we can write to, or leave it empty.")},
    )


class QueueFilterForm(PortalForm):
    """The triage queue's filters. Unknown values fall back to the defaults."""

    STATUS_CHOICES = [
        ("open", "Open (new or in review)"),
        *ConcernReport.Status.choices,
        ("all", "All"),
    ]

    q = forms.CharField(label="Reference or link", required=False, max_length=200)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("", "Any kind"), *ConcernReport.Kind.choices], required=False)
    mine = forms.BooleanField(label="Assigned to me", required=False)


class AssignForm(PortalForm):
    assignee = forms.ModelChoiceField(
        label="Who handles it",
        queryset=None,
        help_text="You, or a colleague who triages concerns for this part of the district. The reported "
        "account's site manager and backup are not listed: they do not handle reports about it.",
        error_messages={
            "required": "Choose who handles this report.",
            "invalid_choice": "Choose someone who triages concerns for this part of the district.",
        },
    )

    def __init__(self, *args, report: ConcernReport, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = selectors.triagers_for(report.org_unit, report.account_id)
        field.label_from_instance = lambda person: (
            f"{person.full_name} (you)" if person.pk == user.pk else f"{person.full_name} ({person.email})"
        )
        if not self.is_bound:
            field.initial = user.pk if report.assignee_id in (None, user.pk) else report.assignee_id


class NoteForm(PortalForm):
    body = forms.CharField(
        label="Note",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you checked or did. Seen by everyone who triages this report.",
        error_messages={"required": "Write the note first."},
    )


class ResolveForm(PortalForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose…"), *ConcernReport.Outcome.choices],
        error_messages={"required": "Choose the outcome."},
    )
    resolution = forms.CharField(
        label="What was done",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the record. The reporter is told only that the report was closed.",
        error_messages={"required": "Say what was done, for the record."},
    )
