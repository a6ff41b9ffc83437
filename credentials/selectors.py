"""Reads of the escrow, narrowed to what the asking user may see (R-III-E).

Mirrors ``credentials.permissions`` for many accounts at once, so the list of "credentials
I can access" holds exactly the accounts whose reveal the user would be allowed.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import CharField, DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import LISTING_ORDER, Designation, OfficialAccount
from accounts.selectors import annotate_page, managed_by, supervised_accounts, with_keepers
from audits.models import AuditEvent
from mps_social import reminders
from people import roles
from people.models import Power
from people.selectors import reports_of

from .models import AccessGrant, CredentialVersion

REVEALED = "credentials.revealed"
SECRET_REVEALED = "credentials.authenticator_secret_revealed"
REVEAL_VERBS = [REVEALED, SECRET_REVEALED]
ESCROW_VERBS = ["credentials.escrowed", *REVEAL_VERBS, "credentials.unreadable", "credentials.access_granted",
                "credentials.access_revoked", "credentials.rotation_due"]


def _office_scope(user, path: str = "unit_path") -> Q | None:
    """The superintendent's office's reach for reveals, as a filter on the unit path named
    by ``path`` (an account's own copy; an audit event's ``org_unit__path``)."""
    if roles.is_superintendent(user):
        return Q(pk__isnull=False)
    return roles.in_scope(user, path, Power.REVEAL_CREDENTIALS)


def _account_events(verb: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type="accounts.officialaccount", verb=verb,
                                     target_id=Cast(OuterRef("pk"), CharField()))


def with_escrow_facts(queryset: QuerySet[OfficialAccount]) -> QuerySet[OfficialAccount]:
    """Annotate when the credentials were last escrowed and last revealed, in the same query."""
    current = CredentialVersion.objects.filter(account=OuterRef("pk"), replaced_at__isnull=True)
    return queryset.annotate(
        escrowed_at=Subquery(current.values("created_at")[:1], output_field=DateTimeField()),
        revealed_at=Subquery(_account_events(REVEALED).order_by("-at").values("at")[:1],
                             output_field=DateTimeField()),
    )


def revealable_for(user) -> QuerySet[OfficialAccount]:
    """The accounts whose credentials ``user`` may reveal today, in the list's order.
    Plain rows: what the list shows about each comes from ``with_access_facts``, for one
    page at a time."""
    if roles.is_superintendent(user):  # the office reveals any account: nothing to work out per person
        return OfficialAccount.objects.select_related("platform", "org_unit").order_by(*LISTING_ORDER)
    managed = Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True).order_by()
    mine = [managed.filter(person=user).values_list("account_id", flat=True),
            managed.filter(person__in=reports_of(user)).values_list("account_id", flat=True)]
    if user.is_employee:
        now = timezone.now()
        mine.append(AccessGrant.objects.filter(grantee=user, revoked_at__isnull=True, starts_at__lte=now,
                                               ends_at__gt=now).order_by().values_list("account_id", flat=True))
    # The few accounts that are this person's by who they are, read first (one query, each
    # part off an index): given as subqueries ORed together, PostgreSQL could not tell how
    # few they are and walked the whole registry in the list's order to find them.
    queryset = OfficialAccount.objects.live().filter(pk__in=set(mine[0].union(*mine[1:])))
    if (office := _office_scope(user)) is not None:
        queryset = OfficialAccount.objects.filter(Q(pk__in=queryset.values("pk")) | office)
    return queryset.select_related("platform", "org_unit").order_by(*LISTING_ORDER)


def with_access_facts(accounts) -> list[OfficialAccount]:
    """``accounts`` (one page of ``revealable_for``) with their keepers and when their
    credentials were last escrowed and revealed, in the same order (``annotate_page``)."""
    return annotate_page(accounts, with_escrow_facts(with_keepers(OfficialAccount.objects.all())))


def history_for(account: OfficialAccount) -> QuerySet[AuditEvent]:
    """Everything that happened to an account's credentials, newest first."""
    return AuditEvent.objects.filter(target_type="accounts.officialaccount", target_id=str(account.pk),
                                     verb__in=ESCROW_VERBS).select_related("actor").order_by("-sequence")


def reveals_visible_to(user, verb: str | None = None) -> QuerySet[AuditEvent]:
    """Reveals across people, for the superintendent's office: those of the accounts in
    its scope (by the unit recorded on each event), of the log-in and of the
    authenticator secret, or of ``verb`` alone (one of ``REVEAL_VERBS``: a page reads each
    off the trail's index and merges them, ``audits.pages.event_page``)."""
    scope = _office_scope(user, path="org_unit__path")  # an audit event records the account's unit
    if scope is None:
        return AuditEvent.objects.none()
    verbs = Q(verb=verb) if verb else Q(verb__in=REVEAL_VERBS)
    return AuditEvent.objects.filter(scope, verbs).select_related("actor", "org_unit").order_by("-sequence")


def versions_of(account: OfficialAccount) -> QuerySet[CredentialVersion]:
    """Every version's metadata, newest first (never the sealed value)."""
    return account.credential_versions.defer("sealed").select_related("created_by", "replaced_by")


def grants_of(account: OfficialAccount):
    return account.access_grants.select_related("grantee", "granted_by", "revoked_by")


# --- access grants ending -----------------------------------------------------------------

ENDING_REMINDER_DAYS = (14, 3)  # before the day a grant ends


@dataclass(frozen=True)
class GrantEnding:
    """A reminder the daily job owes about access lent that ends: ``threshold`` "14" or
    "3"; ``days_left`` to the day it ends (0 when it ends today)."""

    grant: AccessGrant
    threshold: str
    days_left: int


def grant_reminders_owed(today: date | None = None) -> list[GrantEnding]:
    """The reminders owed on ``today`` about access lent (R-III-E) that ends within 14
    days ("14") or 3 days ("3"), and is neither revoked nor over, to an active person;
    whether sent already or not (``credentials.services.send_grant_reminders`` leaves out
    those sent). One query, whatever the number of grants."""
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    ending = (AccessGrant.objects.filter(revoked_at__isnull=True, grantee__is_active=True, ends_at__gte=start,
                                         ends_at__lt=start + timedelta(days=ENDING_REMINDER_DAYS[0] + 1))
              .select_related("grantee", "account__platform").order_by("ends_at", "pk"))
    owed = []
    for grant in ending:
        last = timezone.localdate(grant.ends_at)
        if threshold := reminders.before(last, today, ENDING_REMINDER_DAYS):
            owed.append(GrantEnding(grant, threshold, (last - today).days))
    return owed


def revealed_by(user, person: str, since=None) -> QuerySet[OfficialAccount]:
    """The live accounts whose credentials (or authenticator secret) ``person`` (an email)
    revealed, since the day ``since`` if given, among the reveals ``user`` may see
    (``reveals_visible_to``): what a leaver or a breach makes due for rotation (R-III-E).
    In the lists' order, with their keepers."""
    events = reveals_visible_to(user).filter(actor__email__iexact=person)
    if since is not None:
        events = events.filter(at__date__gte=since)
    ids = events.order_by().values_list("target_id", flat=True).distinct()
    accounts = OfficialAccount.objects.live().filter(pk__in=[int(pk) for pk in ids if pk.isdigit()])
    if (office := _office_scope(user)) is not None:
        accounts = accounts.filter(office)
    return with_keepers(accounts).order_by(*LISTING_ORDER)


# --- what waits for a person (``credentials.attention``) ----------------------------------

GRANT_NOTICE_DAYS = ENDING_REMINDER_DAYS[0]  # on the home as ending from the first reminder
REVEAL_NOTICE_DAYS = 14  # a supervisor hears of the reveals of their staff's accounts this long


def to_escrow(user) -> QuerySet[OfficialAccount]:
    """The live accounts ``user`` manages whose credentials they must escrow (none yet:
    a new account turns active once they are) or rotate (``rotation_due``), the oldest
    first (R-III-E, §III.E). ``has_credentials`` says which."""
    current = CredentialVersion.objects.filter(account=OuterRef("pk"), replaced_at__isnull=True)
    return (managed_by(user).annotate(has_credentials=Exists(current))
            .filter(Q(has_credentials=False) | Q(rotation_due=True)).order_by("established_at", "pk"))


def grants_ending(user, today) -> QuerySet[AccessGrant]:
    """Lent access in force ending within ``GRANT_NOTICE_DAYS``: one's own, and for the
    superintendent's office those on the accounts in its reveal scope, the soonest first."""
    now = timezone.now()
    grants = AccessGrant.objects.in_force(now).filter(ends_at__lt=now + timedelta(days=GRANT_NOTICE_DAYS))
    who = Q(grantee=user)
    if (office := _office_scope(user, "account__unit_path")) is not None:
        who |= office
    return grants.filter(who).select_related("account", "grantee").order_by("ends_at", "pk")


def reveals_of_supervised(user, today) -> QuerySet[AuditEvent]:
    """The reveals by others (of the log-in or of the authenticator secret), in the last
    ``REVEAL_NOTICE_DAYS``, of the accounts whose site manager ``user`` supervises: the
    supervisor shares escrow access with them (§III.E) and should know who read it.
    Newest first.

    The accounts are read first (a supervisor's staff manage a few), then their events off
    the trail's index by target: given as a subquery, the database walked every reveal
    ever made in the order of the trail, looking for theirs."""
    ids = [str(pk) for pk in supervised_accounts(user)]
    if not ids:
        return AuditEvent.objects.none()
    since = timezone.now() - timedelta(days=REVEAL_NOTICE_DAYS)
    return (AuditEvent.objects.filter(target_type="accounts.officialaccount", target_id__in=ids, at__gte=since,
                                      verb__in=REVEAL_VERBS).exclude(actor=user)
            .select_related("actor").order_by("-at", "-sequence"))
