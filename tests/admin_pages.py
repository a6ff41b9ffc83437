"""What the admin's tests share (tests/test_admin.py, tests/browser/test_admin_pages.py):
every model the admin shows, the ones it leaves out and why, and one row of each kind the
demo district does not make, so that every change page has something to show."""

import datetime

from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, SolarSchedule
from zeal import zeal_ignore

from accounts import services as registry
from accounts.models import OfficialAccount
from approvals import services as approvals
from approvals.models import Application
from audits import chain
from compliance import runs
from credentials import services as credentials
from credentials.models import CredentialVersion
from people.models import User
from roster import services as roster

# Models of Django and its libraries that the admin leaves out, each with its reason.
NOT_IN_THE_ADMIN = {
    "admin.LogEntry": "Django's own log of admin edits: the audit trail records each of them (AuditedModelAdmin).",
    "auth.Permission": "Who may do what is decided by mps_social.permissions from the data, not by these rows.",
    "contenttypes.ContentType": "Django's catalogue of models: nothing to keep by hand.",
    "sessions.Session": "Signed-in sessions: their data is nobody's to read.",
    "django_celery_beat.PeriodicTasks": "django-celery-beat's one-row change marker, written by the schedules.",
    "account.EmailConfirmation": "Not used: addresses are confirmed by HMAC links, none are stored.",
    "socialaccount.SocialApp": "Google sign-in is configured from the environment; its secret stays out.",
    "socialaccount.SocialToken": "People's OAuth tokens are secrets.",
    "training.Choice": "Edited with their question (QuestionAdmin's inline).",
    "training.PolicyVersion": "Edited with their policy document (PolicyDocumentAdmin's inline).",
    "notifications.Preference": "How a person chooses to be told is theirs: chosen on their inbox's settings page.",
}

# History: shown, never added, changed or deleted in the admin.
HISTORY = [
    "audits.AuditEvent", "audits.ChainHead", "audits.ChainCheckpoint", "compliance.AuditRun",
    "compliance.CheckResult", "compliance.Finding", "roster.RosterImport", "approvals.Comment",
    "approvals.Application", "accounts.OfficialAccount", "accounts.Designation", "accounts.AnnualReview", "accounts.FormerHandle",
    "credentials.CredentialVersion", "credentials.AccessGrant", "credentials.KeyRingCanary",
    "concerns.ConcernReport", "concerns.ConcernNote", "people.Delegation", "notifications.OutboxMessage",
    "notifications.InboxEntry",
    "training.Reminder", "training.Acknowledgment", "mfa.Authenticator",
]

# What administrators keep in the admin (every edit audited, or through a service).
EDITABLE = [
    "accounts.Platform", "accounts.ProtectedName", "people.OrgUnit", "people.User", "training.Course",
    "training.Question", "training.Completion", "training.PolicyDocument", "auth.Group",
    "account.EmailAddress", "socialaccount.SocialAccount", "django_celery_beat.PeriodicTask",
    "django_celery_beat.IntervalSchedule", "django_celery_beat.CrontabSchedule", "django_celery_beat.SolarSchedule",
    "django_celery_beat.ClockedSchedule",
]

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def registered_models():
    """Every model the admin shows, by label, in a stable order."""
    return sorted((model for model in apps.get_models() if admin.site.is_registered(model)),
                  key=lambda model: model._meta.label)


ROSTER_HEADER = "employee_id,email,full_name,kind,org_unit,supervisor_id,active"


def _roster() -> bytes:
    """The district's people as HR lists them (its ``ROSTER_HEADER`` never shows in the admin)."""
    people = User.objects.exclude(employee_id="").select_related("org_unit", "supervisor").order_by("pk")
    lines = [ROSTER_HEADER] + [
        f"{person.employee_id},{person.email},{person.full_name.replace(',', ' ')},{person.kind},"
        f"{person.org_unit.code},{person.supervisor.employee_id if person.supervisor else ''},yes"
        for person in people]
    return ("\n".join(lines) + "\n").encode()


def every_kind_of_row():
    """On the demo district: one row of each kind it leaves empty, each made the way the
    portal makes it (a service, or allauth for the authenticator app)."""
    superintendent = User.objects.get(is_superintendent=True)
    with zeal_ignore():  # a fixture, not a page: its services run once each
        account = OfficialAccount.objects.filter(
            pk__in=CredentialVersion.objects.values("account_id"), status=OfficialAccount.Status.ACTIVE).first()
        manager = registry.current(account).person
        registry.record_review(actor=manager, account=account, still_needed=True, details_correct=True,
                               recovery_district_owned=True, two_factor_enabled=True, notes="All in order.")
        credentials.grant_access(actor=superintendent, account=account,
                                 grantee=User.objects.exclude(pk=manager.pk).filter(kind="employee").first(),
                                 ends_at=timezone.now() + datetime.timedelta(days=14),
                                 reason="Covering the site manager's leave.")
        application = Application.objects.exclude(status=Application.Status.DRAFT).select_related("applicant").first()
        approvals.add_comment(actor=application.applicant, application=application,
                              body="The club meets on Thursdays; we will post after each meeting.")
        chain.checkpoint()
        runs.execute(runs.start_run(actor=superintendent))
        roster.preview_roster(actor=superintendent, filename="roster.csv", data=_roster())
        TOTP.activate(manager, TOTP_SECRET)
        Group.objects.create(name="Reviewers")
        # Django's and its libraries' rows that the portal never writes itself.
        ClockedSchedule.objects.create(clocked_time=timezone.now() + datetime.timedelta(days=1))
        SolarSchedule.objects.create(event="sunrise", latitude=44.98, longitude=-93.27)
        SocialAccount.objects.create(user=manager, provider="google", uid="104882312938", extra_data={})
