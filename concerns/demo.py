"""The demo district's concern reports (R-IV-B): one impersonation of a school's mascot
(§III.A), dealt with; one about private data on an official account, waiting for triage;
and a new impersonation of Roosevelt's name, which its principal, Angela Brooks, follows
as the school's head.

Rows are written directly, with the audit events the services would have written, and
dated in the past so the timeline reads like the weeks it took. Idempotent: each report
is found by its fixed reference.
"""

from datetime import timedelta

from django.utils import timezone

from audits.services import record
from people.models import User

from .models import ConcernNote, ConcernReport
from .services import match_link

IMPERSONATION = "C-7QK3M9TX"
PRIVATE_DATA = "C-4HN8R2WD"
ROOSEVELT_NAME = "C-9RBT6KHS"


def _event(when, **kwargs):
    """``audits.record`` as the service would have, dated when it happened (the trail is
    append-only: the date is given, never changed afterwards)."""
    record(at=when, **kwargs)


def _routed(link):
    """The report fields that say where a pasted link leads, as submitting would set them."""
    match = match_link(link)
    return dict(link=link, link_url=match.url, account=match.account, matched_name=match.protected_name,
                org_unit=match.org_unit)


def seed(stdout):
    people = {user.email: user for user in User.objects.filter(
        email__in=["designee@example.org", "teacher.washburn@example.org"])}
    designee, teacher = people["designee@example.org"], people["teacher.washburn@example.org"]
    now = timezone.now()
    Kind, Status, Outcome = ConcernReport.Kind, ConcernReport.Status, ConcernReport.Outcome

    # No official account: the protected name "Roosevelt Teddies" routes it to Roosevelt.
    report, created = ConcernReport.objects.get_or_create(reference=IMPERSONATION, defaults=dict(
        kind=Kind.IMPERSONATION,
        **_routed("https://www.instagram.com/roosevelt.teddies.official/"),
        description=(
            'An Instagram account called "Roosevelt Teddies Official" is posting photos from Friday\'s game and '
            "asking families to send money through Venmo for team jackets. It uses the school logo, but the "
            "school's real account is @roosevelt_teddies. Several parents in our group chat have already paid."
        ),
        reporter_email="j.alvarez.family@example.net",
        status=Status.RESOLVED,
        assignee=designee,
        outcome=Outcome.TAKEDOWN_REQUESTED,
        resolution=(
            "Reported to Instagram as impersonation of a school (case 7716-2291). Instagram removed the account "
            "two days later. Roosevelt's principal reminded families of the official accounts in the newsletter."
        ),
        resolved_at=now - timedelta(days=8),
        resolved_by=designee,
    ))
    if created:
        unit = report.org_unit

        def days(d, h=0):
            return now - timedelta(days=d, hours=h)

        ConcernReport.objects.filter(pk=report.pk).update(created_at=days(12, 3))
        _event(days(12, 3), actor=None, verb="concern.submitted", target=report, org_unit=unit,
               after={"status": "new", "kind": report.kind, "reporter": "anonymous"})
        _event(days(11, 20), actor=designee, verb="concern.assigned", target=report, org_unit=unit,
               before={"status": "new", "assignee": None}, after={"status": "in_review", "assignee": designee.email})
        note = ConcernNote.objects.create(report=report, author=designee, body=(
            "Not in the directory: the school's account is @roosevelt_teddies (site manager Angela Brooks). "
            "This one was created three weeks ago and copies the school logo. Asked Angela to warn families."
        ))
        ConcernNote.objects.filter(pk=note.pk).update(created_at=days(11, 19))
        _event(days(11, 19), actor=designee, verb="concern.note_added", target=report, org_unit=unit,
               after={"note": note.pk})
        _event(days(8), actor=designee, verb="concern.resolved", target=report, org_unit=unit,
               before={"status": "in_review"}, after={"status": "resolved", "outcome": report.outcome},
               reason=report.resolution)

    # The official MPS Athletics account on X: routed to Athletics.
    report, created = ConcernReport.objects.get_or_create(reference=PRIVATE_DATA, defaults=dict(
        kind=Kind.PRIVATE_DATA,
        **_routed("https://x.com/MPSAthletics/status/1861234567890123456"),
        description=(
            "Last night's post about the volleyball section final shows the team's medical release clipboard on "
            "the bench. Zoomed in, two students' names, birth dates and allergy notes are readable. Could it be "
            "taken down or cropped?"
        ),
        reporter_email=teacher.email,
        reporter=teacher,
    ))
    if created:
        ConcernReport.objects.filter(pk=report.pk).update(created_at=now - timedelta(hours=5))
        _event(now - timedelta(hours=5), actor=teacher, verb="concern.submitted", target=report,
               org_unit=report.org_unit, after={"status": "new", "kind": report.kind, "reporter": "signed in"})
    # No official account: "RooseveltHS" is Roosevelt High School's name, so its head follows it.
    report, created = ConcernReport.objects.get_or_create(reference=ROOSEVELT_NAME, defaults=dict(
        kind=Kind.IMPERSONATION,
        **_routed("https://www.tiktok.com/@roosevelths.confessions"),
        description=(
            'A TikTok account "Roosevelt HS Confessions" uses the school\'s name and crest and posts anonymous '
            "rumours about named students. Students at the bus stop were talking about it this morning."
        ),
    ))
    if created:
        ConcernReport.objects.filter(pk=report.pk).update(created_at=now - timedelta(hours=2))
        _event(now - timedelta(hours=2), actor=None, verb="concern.submitted", target=report,
               org_unit=report.org_unit, after={"status": "new", "kind": report.kind, "reporter": "anonymous"})
    stdout.write("  3 concern reports.")
