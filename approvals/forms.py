"""Forms of the application pages. They check input; ``approvals.services`` decides.

The application form is one page in sections, each with the clause of Policy 4038 that
drives it. A draft may be saved with anything missing (``draft=True``); sending it
makes the fields the policy needs required, with messages that name the clause.
"""

from django import forms

from accounts.models import DESCRIPTION_MAX, Platform
from accounts.rules import refuse_hidden_characters
from mps_social.forms import PortalForm
from mps_social.widgets import LongSelect
from people.forms import StaffEmailField

from . import services
from .models import Application

# (heading, the clause that drives it, fields)
SECTIONS = [
    ("Whom the account speaks for",
     "Policy 4038 §V.B: accounts are for schools, departments, services and student activities.",
     ["org_unit", "purpose", "purpose_other"]),
    ("The account",
     "§III.A: only approved accounts may use the district's names, and a handle is registered once per platform. "
     "§III.D: classes, activities and teams belong on district-approved, password-protected platforms.",
     ["platform", "handle", "display_name", "description", "existing_url"]),
    ("Its audience",
     "§III.H: every account follows its platform's age limits; under COPPA most admit nobody under 13.",
     ["audience", "grade_band", "youngest_age"]),
    ("How it will be run",
     "§III.H: the platform's civil-discourse rules apply to the account and to what it allows in comments. "
     "Copyright: post only what the district made or has permission to use, and credit its authors. CIPA: the "
     "district filters what students reach on its network, so link students only to what that filter admits.",
     ["content_plan", "moderation_plan", "public_justification"]),
    ("Its site manager",
     "§III.E: every account has one site manager, a district employee, who escrows its log-in credentials.",
     ["site_manager"]),
    ("What you confirm",
     "§III.G and §III.H: applicants attest compliance with the district's policies and the platform's rules.",
     ["attests_network_use", "attests_platform_rules", "attests_disclosure"]),
]


def _platform_label(platform: Platform) -> str:
    if platform.district_protected:
        return f"{platform.name}: district-approved, password-protected"
    age = f"ages {platform.minimum_age} and over" if platform.minimum_age else "all ages"
    return f"{platform.name}: public, {age}"


class ApplicationForm(PortalForm):
    org_unit = forms.ModelChoiceField(
        queryset=None, label="Speaks for", empty_label="Choose a school, department or program", widget=LongSelect,
        help_text="Your own unit or one inside it.",
    )
    purpose = forms.ChoiceField(
        choices=[("", "Choose a purpose"), *Application.Purpose.choices],
        help_text="A class, student activity or athletics purpose is steered to a district-approved, "
                  "password-protected platform (§III.D).",
    )
    purpose_other = forms.CharField(label="If other, what for", max_length=200)
    platform = forms.ModelChoiceField(
        queryset=Platform.objects.filter(is_active=True).order_by("-district_protected", "name"),
        empty_label="Choose a platform",
        help_text="A public platform for a class, activity or team needs a written reason and the decider's "
                  "explicit authorization (§III.C, §III.D).",
    )
    handle = forms.CharField(
        label="Proposed handle", max_length=150, validators=[refuse_hidden_characters],
        help_text="As it will appear, e.g. roosevelt_robotics. Names of other schools, teams or mascots are "
                  "protected (§III.A).",
    )
    display_name = forms.CharField(max_length=150, validators=[refuse_hidden_characters],
                                   help_text="The name the account shows, e.g. Roosevelt Robotics.")
    description = forms.CharField(
        label="What it posts, in one line", max_length=DESCRIPTION_MAX, validators=[refuse_hidden_characters],
        help_text="For families, shown beside the account in the public directory, e.g. \"Game days, scores and "
                  "team news of the Roosevelt soccer teams.\"",
    )
    existing_url = forms.CharField(
        label="Address, if the account already exists", max_length=300, validators=[refuse_hidden_characters],
        help_text="Its profile address, if you are asking to make an existing account official.",
    )
    audience = forms.ChoiceField(
        choices=Application.Audience.choices, widget=forms.RadioSelect,
        help_text="An audience with children younger than the platform admits is refused (§III.H, COPPA).",
    )
    grade_band = forms.ChoiceField(
        label="Students' grade band", choices=[("", "Not students"), *Application.GradeBand.choices],
        help_text="When the audience is students.",
    )
    youngest_age = forms.IntegerField(
        label="Age of the youngest student", min_value=0, max_value=99,
        help_text="Optional, if you know it more exactly than the grade band.",
    )
    content_plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=services.MAX_TEXT,
        help_text="What it will post, how often, and who writes it.",
    )
    moderation_plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=services.MAX_TEXT,
        help_text="How comments and messages are watched and answered, and what is removed.",
    )
    public_justification = forms.CharField(
        label="Why a public platform", widget=forms.Textarea(attrs={"rows": 3}), max_length=services.MAX_TEXT,
        help_text="Only for a class, activity or team on a public platform: why a password-protected one will "
                  "not do (§III.D).",
    )
    site_manager = StaffEmailField(
        label="Proposed site manager's email",
        help_text="An active district employee; a contractor cannot be one (§III.E). It may be you. Their site "
                  "manager training must be current before the account is approved (§V.C).",
    )
    attests_network_use = forms.BooleanField(
        label="The account will follow the Internet and Educational Network Use policy (6415).",
    )
    attests_platform_rules = forms.BooleanField(
        label="The account will follow the platform's rules, civil-discourse standards and age limits.",
    )
    attests_disclosure = forms.BooleanField(
        label="I am responsible for what the account discloses, and it will publish no private student data.",
    )

    def __init__(self, *args, user, application: Application | None = None, draft: bool = True, **kwargs):
        if application is not None and "initial" not in kwargs:
            kwargs["initial"] = {field: getattr(application, field) for field in services.FIELDS}
            kwargs["initial"]["site_manager"] = application.site_manager.email if application.site_manager else ""
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = services.reach(user)
        self.fields["platform"].label_from_instance = _platform_label
        messages = {**services.REQUIRED, **services.ATTESTATIONS}
        for name, field in self.fields.items():
            field.required = not draft and name in messages
            if name in messages:
                field.error_messages["required"] = messages[name]

    def sections(self):
        for title, clause, names in SECTIONS:
            yield {"title": title, "clause": clause, "fields": [self[name] for name in names]}


class ReviewForm(PortalForm):
    """What a reviewer decides and why. The endorser endorses or asks for changes; a
    decider approves, asks for changes or rejects, and, when the application needs it,
    authorizes a public platform (§III.C) or overrides a protected name (§III.A)."""

    ENDORSER_CHOICES = [("endorse", "Endorse it"), ("changes", "Ask for changes")]
    DECIDER_CHOICES = [("approve", "Approve it"), ("changes", "Ask for changes"), ("reject", "Reject it")]

    decision = forms.ChoiceField(widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Conditions, changes or reason", widget=forms.Textarea(attrs={"rows": 3}), required=False,
        max_length=services.MAX_TEXT,
        help_text="Sent to the applicant. Needed to ask for changes or to reject; with an approval, any conditions.",
    )
    public_use_authorized = forms.BooleanField(
        label="I authorize a public account for this educational use (Policy 4038 §III.C).", required=False,
    )
    name_override_reason = forms.CharField(
        label="Why this unit may use the protected name", widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=services.MAX_TEXT, help_text="Policy 4038 §III.A: recorded with the approval.",
    )

    def __init__(self, *args, application: Application, as_decider: bool, name_matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = self.DECIDER_CHOICES if as_decider else self.ENDORSER_CHOICES
        if not as_decider:
            self.fields["reason"].label = "Note or changes asked for"
            self.fields["reason"].help_text = "Sent to the applicant. Needed to ask for changes."
        if not (as_decider and application.needs_public_authorization):
            del self.fields["public_use_authorized"]
        if not (as_decider and name_matches):
            del self.fields["name_override_reason"]


class WithdrawForm(PortalForm):
    reason = forms.CharField(label="Why (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             max_length=services.MAX_TEXT)


class CommentForm(PortalForm):
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=services.MAX_TEXT,
                           help_text="Seen by the applicant and the reviewers, who are told by email.")
