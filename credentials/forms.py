"""Forms of the escrow's pages. The credential form never shows a stored secret back:
every field starts empty, and the password fields are never re-rendered with a value."""

from django import forms
from django.conf import settings

from mps_social.forms import PortalForm
from people.forms import StaffEmailField

from . import services
from .models import Secrets


def _secret(label, help_text="", required=False, rows=None):
    widget = forms.Textarea(attrs={"rows": rows, "autocomplete": "off", "spellcheck": "false"}) if rows else \
        forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
    return forms.CharField(label=label, required=required, help_text=help_text, widget=widget,
                           max_length=services.MAX_TEXT, strip=False)


class EscrowForm(PortalForm):
    login = forms.CharField(label="Log-in name or email at the platform", max_length=services.MAX_TEXT,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    password = _secret("Password", required=True)
    recovery_email = forms.CharField(label="Recovery email", required=False, max_length=services.MAX_TEXT,
                                     help_text="A district-owned address (Policy 4038 §V.D).",
                                     widget=forms.TextInput(attrs={"autocomplete": "off"}))
    recovery_phone = forms.CharField(label="Recovery phone", required=False, max_length=services.MAX_TEXT,
                                     help_text="A district-owned number.",
                                     widget=forms.TextInput(attrs={"autocomplete": "off"}))
    recovery_codes = _secret("Two-factor recovery codes", "As the platform gave them, one per line.", rows=3)
    totp_seed = _secret("Authenticator (TOTP) secret", "Optional: the setup key, if the account's two-factor uses "
                                                       "an authenticator app.")
    notes = _secret("Notes", "Anything the next person needs: security questions, where the phone is.", rows=3)
    reason = forms.CharField(label="Why now", required=False, max_length=300,
                             help_text="E.g. scheduled rotation, new site manager. Recorded with the old version.")

    def secrets(self) -> Secrets:
        return Secrets(**{name: self.cleaned_data[name] for name in Secrets.__dataclass_fields__})


class RevealForm(PortalForm):
    reason_kind = forms.ChoiceField(label="Why do you need them?", choices=services.REASONS, widget=forms.RadioSelect)
    reason = forms.CharField(label="In a few words", widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=services.MAX_TEXT,
                             help_text="Recorded with your name; the site manager is told.")


class HistoryFilterForm(PortalForm):
    person = forms.EmailField(label="Person's email", required=False)
    since = forms.DateField(label="Since", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class GrantForm(PortalForm):
    grantee = StaffEmailField(label="Employee's email", help_text="An active district employee.")
    until = forms.DateField(label="Until the end of", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=services.MAX_TEXT,
                             help_text="E.g. the site manager's leave. Sent to the employee and recorded.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].help_text = f"At most {settings.ACCESS_GRANT_MAX_DAYS} days from today."


class RotateAllForm(PortalForm):
    """R-III-E: the reason a leaver or a breach makes every listed account due for rotation."""

    reason = forms.CharField(label="Why now", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="E.g. left the district on May 4, 2027; a lost laptop. Shown on each account "
                             "and sent to its site manager.")
