"""The weekly digest to the superintendent's office: the compliance audit's open findings,
the decisions waiting for each person, and the district's expiring and expired training
(R-V-C, R-V-D). It gathers every app, as the home page does, so it lives beside the home
page on the top floor (README, "Layers"): training knows nothing of applications.
"""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from approvals.selectors import decision_count
from compliance.models import Finding
from notifications.models import OutboxMessage
from notifications.services import notify
from people.models import Delegation, User
from training.selectors import training_figures


def office(today: date | None = None):
    """The superintendent's office: the superintendent and every designee in force."""
    designees = Delegation.objects.in_force(today or timezone.localdate()).values("grantee_id")
    return User.objects.filter(Q(is_superintendent=True) | Q(pk__in=designees), is_active=True).order_by("pk")


def send_digest(*, today: date | None = None) -> int:
    """Queue the digest to each person of the office, once per person and ISO week however
    often it runs (beat's weekly task, ``mps_social.tasks``). Returns how many were queued."""
    today = today or timezone.localdate()
    figures = training_figures(today)
    open_findings = Finding.objects.filter(closed_at__isnull=True).count()
    year, week, _ = today.isocalendar()
    queued = 0
    for person in office(today):
        key = f"weekly-digest:{person.pk}:{year}-W{week:02d}"
        if OutboxMessage.objects.filter(key=key).exists():
            continue  # sent this week already
        with transaction.atomic():
            notify(recipient=person, template="weekly_digest", key=key, link=reverse("approvals:decisions"), context={
                "today": today, "decisions": decision_count(person), "figures": figures,
                "open_findings": open_findings,
            })
        queued += 1
    return queued
