"""Reads of the catalogue and the registry, already narrowed to what the user may see."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from mps_social import reminders
from people import roles
from people.models import REGISTRY_POWERS, OrgUnit, Power, User
from people.selectors import reports_of

from .models import LISTING_ORDER, Designation, OfficialAccount, Platform


def directory_units() -> QuerySet[OrgUnit]:
    """The org units the directory is organised by, top-down."""
    return OrgUnit.objects.only("name", "slug", "kind", "path", "website").order_by("path")


def directory_platforms() -> QuerySet[Platform]:
    """The platforms the directory can be narrowed to, by name: the public ones (a
    password-protected platform's accounts are never listed, ``OfficialAccount.public``)."""
    return Platform.objects.filter(district_protected=False).order_by("name")


def _current(role):
    return Designation.objects.filter(account=OuterRef("pk"), role=role, ended_at__isnull=True)


def with_keepers(queryset: QuerySet[OfficialAccount]) -> QuerySet[OfficialAccount]:
    """Annotate the current site manager's and backup's ids and names in the same query."""
    manager = _current(Designation.Role.SITE_MANAGER)
    backup = _current(Designation.Role.BACKUP)
    return queryset.select_related("platform", "org_unit").annotate(
        current_site_manager_id=Subquery(manager.values("person_id")[:1]),
        current_site_manager_name=Subquery(manager.values("person__full_name")[:1]),
        current_backup_name=Subquery(backup.values("person__full_name")[:1]),
    )


def annotate_page(rows, queryset: QuerySet) -> list:
    """The ``rows`` of one page fetched again from ``queryset`` (an annotated one), in the
    page's order.

    A database computes a list's per-row subqueries (the keepers, the escrow dates) for
    every row in scope before it sorts and cuts the page, so a list annotated whole grows
    with the registry. Cutting the page from plain rows, then annotating those, costs the
    same at any size."""
    order = {row.pk: index for index, row in enumerate(rows)}
    return sorted(queryset.filter(pk__in=order), key=lambda row: order[row.pk])


def visible_accounts(user) -> QuerySet[OfficialAccount]:
    """Every account ``user`` may see, as plain rows (``accounts_for`` adds the keepers):
    the whole registry for the superintendent; the subtrees of a designee's delegations;
    the accounts one keeps; and those whose site manager one supervises (Policy 4038
    §III.E)."""
    queryset = OfficialAccount.objects.select_related("platform", "org_unit")
    if roles.is_superintendent(user):
        return queryset
    paths, keeps, supervised = reach(user)
    return queryset.filter(Q(pk__in=keeps) | Q(pk__in=supervised) | under(paths))


def reach(user) -> tuple[tuple[str, ...], list[int], list[int]]:
    """What ``user``, not the superintendent, sees of the registry (``visible_accounts``),
    in its three parts: the unit paths of their delegations in force, and the account ids
    of what they keep and of what the people they supervise manage (the request's facts,
    ``keeps`` and ``supervised_accounts``: ids to match, not subqueries to build)."""
    return roles.scope_paths(user, *REGISTRY_POWERS), kept_ids(user), supervised_accounts(user)


def under(paths) -> Q:
    """Accounts in the subtree of any of the unit ``paths`` (none: no account)."""
    return roles.within("unit_path", paths)


def accounts_for(user) -> QuerySet[OfficialAccount]:
    """``visible_accounts`` with each one's current site manager and backup."""
    return with_keepers(visible_accounts(user))


def history(account: OfficialAccount) -> list[Designation]:
    """Every designation of ``account``, newest first, with its person; and the account's
    current keepers read off them, as ``with_keepers`` annotates them
    (``current_site_manager_id``, ``current_site_manager_name``, ``current_backup_name``).

    The account page shows the whole history, so it holds the current keepers already:
    read from it, they cost nothing, where the three annotations' subqueries took Django
    longer to compile than the database took to run them. Those who
    see the account only as the site manager's supervisor (Policy 4038 §III.E) cost one
    small query more: ``accounts.permissions`` looks the site manager up before this runs."""
    designations = list(account.designations.select_related("person"))
    current = {}
    for designation in designations:
        if designation.ended_at is None:
            current.setdefault(designation.role, designation)  # the newest, as the annotations' [:1]
    manager, backup = current.get(Designation.Role.SITE_MANAGER), current.get(Designation.Role.BACKUP)
    account.current_site_manager_id = manager.person_id if manager else None
    account.current_site_manager_name = manager.person.full_name if manager else None
    account.current_backup_name = backup.person.full_name if backup else None
    return designations


def designations_of(person) -> QuerySet[Designation]:
    """What ``person`` keeps now, as site manager or backup: their current designations."""
    return Designation.objects.current().filter(person=person)


@dataclass(frozen=True)
class Kept:
    """An account someone keeps now (``keeps``): its id, their role on it (site manager
    or backup), and whether it is live (not retired)."""

    account_id: int
    role: str
    live: bool


def keeps(user) -> tuple[Kept, ...]:
    """The accounts ``user`` keeps now (``designations_of``), read once a request
    (``roles.per_request``): the home asks it of many lists (what they escrow and review,
    the findings and concern reports about their accounts, their training roles). Given
    as ids (``kept_ids``), a list asked of someone who keeps nothing, as most staff, costs
    no query at all, and of anyone else a plain ``IN`` rather than one more subquery."""
    return roles.per_request(user, "keeps", lambda: tuple(
        Kept(account_id, role, status != OfficialAccount.Status.RETIRED) for account_id, role, status
        in designations_of(user).values_list("account_id", "role", "account__status")))


def kept_ids(user, role: str | None = None) -> list[int]:
    """The ids of the accounts ``user`` keeps now (``keeps``), in ``role`` when given."""
    return [kept.account_id for kept in keeps(user) if role is None or kept.role == role]


def my_accounts(user) -> QuerySet[OfficialAccount]:
    """Accounts ``user`` keeps now (``designations_of``), with their keepers."""
    return with_keepers(OfficialAccount.objects.filter(pk__in=designations_of(user).values("account_id")))


def directory_accounts(org_unit: OrgUnit | None = None) -> QuerySet[OfficialAccount]:
    """The accounts the public is shown (R-III-F, ``OfficialAccount.public``: active, on a
    public platform), optionally one unit's subtree, in the lists' order: it ends with the
    primary key, so pages never overlap and the feed (and its ETag) comes out the same on
    every database."""
    queryset = OfficialAccount.objects.public().select_related("platform", "org_unit")
    if org_unit is not None:
        queryset = queryset.filter(unit_path__startswith=org_unit.path)
    return queryset.order_by(*LISTING_ORDER)


def units_to_establish_for(user) -> QuerySet[OrgUnit]:
    """The org units ``user`` may establish accounts for directly (R-III-B): all of them
    for the superintendent; the subtrees of delegations carrying that power."""
    if roles.is_superintendent(user):
        return OrgUnit.objects.order_by("path")
    scope = roles.in_scope(user, "path", Power.ESTABLISH_ACCOUNTS)
    return OrgUnit.objects.filter(scope).order_by("path") if scope else OrgUnit.objects.none()


# --- the annual review's reminders ----------------------------------------------------

REVIEW_REMINDER_DAYS = (30, 7)  # before the review is due; then on the day, then once overdue


def review_threshold(due: date, today: date) -> str | None:
    """Which reminder of the annual review due on ``due`` is owed on ``today`` (R-V-D):
    "30" and "7" days before, "due" on the day, "overdue" from the day after (sent once).
    None when the review is further off."""
    if today == due:
        return "due"
    if today > due:
        return "overdue"
    return reminders.before(due, today, REVIEW_REMINDER_DAYS)


@dataclass(frozen=True)
class ReviewDue:
    """A reminder of an annual review the daily job owes to the account's site manager
    (``designation.person``)."""

    designation: Designation
    threshold: str

    @property
    def account(self) -> OfficialAccount:
        return self.designation.account

    @property
    def escalates(self) -> bool:
        """Once the review is overdue, the site manager's supervisor is copied (R-V-D)."""
        return self.threshold == "overdue"


def review_reminders_owed(today: date | None = None) -> list[ReviewDue]:
    """The reminders of annual reviews owed on ``today``, whether sent already or not
    (``accounts.services.send_review_reminders`` leaves out those sent): one per active
    account whose review falls due within 30 days or is overdue, to its current site
    manager, an active member of staff. One query, whatever the size of the registry."""
    today = today or timezone.localdate()
    designations = (
        Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True, person__is_active=True,
                                   account__status=OfficialAccount.Status.ACTIVE,
                                   account__next_review_due__lte=today + timedelta(days=REVIEW_REMINDER_DAYS[0]))
        .select_related("account__platform", "person__supervisor")
        .order_by("account__next_review_due", "pk")
    )
    return [ReviewDue(designation, review_threshold(designation.account.next_review_due, today))
            for designation in designations]


def people_in_reach(user) -> QuerySet[User]:
    """The people whose accounts the superintendent's office ``user`` may hand over: those
    of the units where it holds "establish and manage accounts", and those who keep an
    account there; everyone for the superintendent."""
    people = User.objects.select_related("org_unit", "supervisor")
    if roles.is_superintendent(user):
        return people
    paths = roles.scope_paths(user, Power.ESTABLISH_ACCOUNTS)
    keepers = Designation.objects.current().filter(roles.within("account__unit_path", paths)).values("person_id")
    return people.filter(roles.within("org_unit__path", paths) | Q(pk__in=keepers))


def kept_by(user, person) -> QuerySet[OfficialAccount]:
    """The live accounts ``person`` keeps now, as site manager or backup, of those the
    office ``user`` may manage (the subtrees where it holds "establish and manage
    accounts"), with their keepers, in the lists' order."""
    accounts = OfficialAccount.objects.live().filter(pk__in=designations_of(person).values("account_id"))
    if not roles.is_superintendent(user):
        accounts = accounts.filter(under(roles.scope_paths(user, Power.ESTABLISH_ACCOUNTS)))
    return with_keepers(accounts).order_by(*LISTING_ORDER)


REVIEW_NOTICE_DAYS = REVIEW_REMINDER_DAYS[0]  # on the home as due from the first reminder


def managed_by(user) -> QuerySet[OfficialAccount]:
    """The live accounts ``user`` is the current site manager of: those whose review they
    record and whose credentials they escrow (Policy 4038 §III.E). Read off ``keeps``:
    none, and no query, for someone who manages nothing."""
    return OfficialAccount.objects.live().filter(pk__in=kept_ids(user, Designation.Role.SITE_MANAGER)
                                                 ).select_related("platform")


@dataclass(frozen=True)
class KeptByStaff:
    """An account someone who reports to a supervisor keeps now (``kept_by_staff``): its
    id and whether it is live (not retired), the keeper and their role on it, and whether
    they are still active (a departed site manager's accounts stay their supervisor's to
    see fixed)."""

    account_id: int
    live: bool
    keeper_id: int
    role: str
    keeper_active: bool


def kept_by_staff(user) -> tuple[KeptByStaff, ...]:
    """The accounts kept now by the people who report to ``user``, departed ones included:
    those whose escrow a supervisor shares and whose findings they see fixed (Policy 4038
    §III.E, R-V-D). One query a request (``roles.per_request``), read off the index on
    the supervisor (``reports_of``); the lists that ask it get ids to match, not a
    subquery to build, and none at all when it is empty."""
    return roles.per_request(user, "kept_by_staff", lambda: tuple(
        KeptByStaff(account_id, status != OfficialAccount.Status.RETIRED, keeper_id, role, active)
        for account_id, status, keeper_id, role, active in
        Designation.objects.current().filter(person__in=reports_of(user, including_departed=True))
        .values_list("account_id", "account__status", "person_id", "role", "person__is_active")))


def staff_site_managers(user) -> set[int]:
    """The active people reporting to ``user`` who are site manager of a live account
    (``kept_by_staff``): the staff whose training a supervisor sees to (Policy 4038 §V.C)."""
    return {kept.keeper_id for kept in kept_by_staff(user)
            if kept.role == Designation.Role.SITE_MANAGER and kept.live and kept.keeper_active}


def supervised_accounts(user) -> list[int]:
    """The accounts whose current site manager reports to ``user`` (and is active): those
    whose escrow a supervisor shares (Policy 4038 §III.E), and whose reveals their home
    lists. None, and no query, for someone who supervises nobody (``roles.is_supervisor``,
    asked already by every page)."""
    if not roles.is_supervisor(user):
        return []
    return [kept.account_id for kept in kept_by_staff(user)
            if kept.role == Designation.Role.SITE_MANAGER and kept.keeper_active]


def reviews_due(user, today) -> QuerySet[OfficialAccount]:
    """The active accounts ``user`` manages whose annual review is due within
    ``REVIEW_NOTICE_DAYS`` or overdue, the earliest first."""
    return (managed_by(user).filter(status=OfficialAccount.Status.ACTIVE,
                                    next_review_due__lte=today + timedelta(days=REVIEW_NOTICE_DAYS))
            .order_by("next_review_due", "pk"))
