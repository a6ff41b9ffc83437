"""Forms of the roster's pages. They validate input; the services decide what is allowed."""

from django import forms

from mps_social.forms import CsvFileField, PortalForm

from . import sync


class RosterUploadForm(PortalForm):
    file = CsvFileField(max_bytes=sync.MAX_BYTES, label="Roster file (CSV)",
                        help_text=f"UTF-8, comma-separated, at most {sync.MAX_BYTES // (1024 * 1024)} MB, with a "
                                  "header row: employee_id, email, full_name, kind, org_unit, supervisor_id, active "
                                  "(and job_title).")


class RosterConfirmForm(PortalForm):
    """Applying a roster; where it moves power (``RosterImport.authority``), the
    superintendent's confirmation of each of those changes."""

    confirmed = forms.BooleanField(
        required=False, label="I have read every change of authority above and confirm them",
        help_text="They give or take away access to other people's escrowed credentials or sign-in.")


class RosterDeclineForm(PortalForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why you decline it",
                             help_text="Sent to whoever uploaded the roster, and recorded in the audit trail.")
