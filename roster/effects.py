"""What a roster change sets in motion (Policy 4038 §III.E): the changes of authority it
carries, which the superintendent confirms before they apply, and its effects, carried out
inside the import's transaction.

Changes of authority (``authority_lines``, R-III-E): a site manager's new supervisor (who
gains escrow access, who loses it), and a changed email, status or kind of anybody who holds
power over others or their credentials: the superintendent, a designee, an administrator,
a site manager, a site manager's supervisor, the holder of a temporary access grant. An
email is how the portal resets a password, so a changed one hands the sign-in to whoever
reads the new address; the old address is told once it applies.

Effects:
- Someone who left (deactivated) loses their delegations; the sessions they had end at
  their next request (an inactive user is never authenticated again). Where they were a
  site manager, each account gets a "site manager" finding at once, its credentials fall
  due for rotation, and the superintendent's office and the departed person's supervisor
  are told.
- A site manager with a new supervisor: the old supervisor could reveal the credentials,
  the new one now can; they fall due for rotation.
- A site manager who became a contractor can no longer be one: a finding at once.
"""

from dataclasses import asdict, dataclass

from django.db.models import Q
from django.utils import timezone

from accounts.models import Designation, OfficialAccount
from audits.services import record
from compliance.runs import open_now
from credentials import services as escrow
from credentials.models import AccessGrant
from notifications.services import notify, notify_many
from people.models import Delegation, Power, User
from people.selectors import power_holders

DEPARTED = "The site manager has left the district (HR roster)."
CONTRACTOR = "The site manager is now a contractor; a site manager must be a district employee (§III.E)."


def _accounts_managed_by(people) -> "OfficialAccount.objects":
    managed = Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True, person__in=people)
    return OfficialAccount.objects.live().filter(pk__in=managed.values("account_id"))


def carry_out(plan, *, actor: User | None) -> dict[str, int]:
    departed = [user for user in plan.deactivated]
    counts = {"delegations ended": _end_delegations(departed, actor)}
    accounts = _accounts_managed_by(departed)
    findings = open_now(accounts=accounts, check_slug="site_manager", detail=DEPARTED, actor=actor)
    counts["rotations due"] = escrow.mark_rotation_due(accounts, actor=actor,
                                                       reason="The site manager left the district.")
    _tell_about_departures(findings, actor)
    contractors = [user for user in plan.became_contractors if user.is_active]
    findings += open_now(accounts=_accounts_managed_by(contractors), check_slug="site_manager",
                                    detail=CONTRACTOR, actor=actor)
    staying = [who for who, _old, _new in plan.supervisor_changes if isinstance(who, User) and who.is_active]
    for person in staying:
        counts["rotations due"] += escrow.supervisor_changed(actor=actor, person=person)
    counts["findings opened"] = len(findings)
    return counts


def _end_delegations(departed, actor) -> int:
    delegations = list(Delegation.objects.filter(grantee__in=departed, revoked_at__isnull=True,
                                                 ends_on__gte=timezone.localdate()).select_related("scope"))
    now = timezone.now()
    for delegation in delegations:
        delegation.revoked_at, delegation.revoked_by = now, actor
        delegation.revoke_reason = "The designee left the district (HR roster)."
        delegation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        record(actor=actor, verb="delegation.revoked", target=delegation, before={"revoked": False},
               after={"revoked": True}, org_unit=delegation.scope, reason=delegation.revoke_reason)
    return len(delegations)


def _tell_about_departures(findings, actor) -> None:
    """The superintendent's office over each account, and the departed person's supervisor."""
    if not findings:
        return
    managers = {designation.account_id: designation.person for designation in Designation.objects.filter(
        role=Designation.Role.SITE_MANAGER, ended_at__isnull=True, account__in=[f.account_id for f in findings],
    ).select_related("person__supervisor")}
    items = []
    for finding in findings:
        departed = managers.get(finding.account_id)
        account = finding.account
        people = set(power_holders(account.org_unit, Power.ESTABLISH_ACCOUNTS))
        if departed is not None and departed.supervisor is not None and departed.supervisor.is_active:
            people.add(departed.supervisor)
        context = {"account": account, "finding": finding, "departed": departed}
        items += [(person, "site_manager_departed", context, f"departed:{finding.pk}:{person.pk}",
                   finding.get_absolute_url())
                  for person in people if actor is None or person.pk != actor.pk]
    notify_many(items)


# --- changes of authority ---------------------------------------------------------------


@dataclass(frozen=True)
class AuthorityLine:
    """One roster line that moves power, as the preview shows it and the superintendent
    confirms it: the file's line, whose record changes, what changes and what follows."""

    line: int
    person: str
    employee_id: str
    change: str
    consequence: str

    def as_dict(self) -> dict:
        return asdict(self)


def _holdings() -> dict[int, list[str]]:
    """What each person holds that a roster change could hand to somebody else, in words,
    for everybody who holds anything: a few people beside the accounts' keepers, read in one
    query per kind of holding rather than asked of each of a roster's many lines."""
    held: dict[int, list[str]] = {}

    def add(pks, what):
        for pk in pks:
            held.setdefault(pk, []).append(what)

    admins = User.objects.filter(Q(is_staff=True) | Q(is_superuser=True) | Q(is_superintendent=True))
    for pk, superintendent in admins.values_list("pk", "is_superintendent"):
        add([pk], "the superintendent" if superintendent else "an administrator")
    add(set(Delegation.objects.filter(revoked_at__isnull=True, ends_on__gte=timezone.localdate())
            .values_list("grantee_id", flat=True)), "a designee")
    managed = Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True)
    add(set(managed.values_list("person_id", flat=True)), "a site manager")
    add(set(managed.exclude(person__supervisor=None).values_list("person__supervisor_id", flat=True)),
        "a site manager's supervisor")
    add(set(AccessGrant.objects.in_force().values_list("grantee_id", flat=True)), "lent access to credentials")
    return held


def authority_lines(plan) -> list[AuthorityLine]:
    """The lines of ``plan`` (``sync.compare``) that move power, in the file's order."""
    held = _holdings()
    lines = []
    for user, row, diff in plan.changed:
        if not (roles := held.get(user.pk)):
            continue
        who = " and ".join(roles)
        if "email" in diff:
            old, new = diff["email"]
            lines.append(AuthorityLine(row.line, user.full_name, row.employee_id, f"email {old} → {new}",
                                       f"{user.full_name} is {who}: whoever reads {new} can reset their password "
                                       "and sign in as them."))
        if "is_active" in diff:
            lines.append(AuthorityLine(row.line, user.full_name, row.employee_id,
                                       "reactivated" if row.active else "deactivated",
                                       f"{user.full_name} is {who}, and "
                                       + ("signs in with those powers again." if row.active
                                          else "loses the sign-in and every delegation.")))
        if "kind" in diff:
            lines.append(AuthorityLine(row.line, user.full_name, row.employee_id,
                                       f"{diff['kind'][0]} → {diff['kind'][1]}",
                                       f"{user.full_name} is {who}; a contractor can be neither a site manager "
                                       "nor a designee."))
    moving = [(who, old, new) for who, old, new in plan.supervisor_changes
              if isinstance(who, User) and "a site manager" in held.get(who.pk, ())]
    if moving:
        managed = {}
        for designation in Designation.objects.filter(
                role=Designation.Role.SITE_MANAGER, ended_at__isnull=True,
                person__in=[who for who, _old, _new in moving]).select_related("account__platform"):
            managed.setdefault(designation.person_id, []).append(str(designation.account))
        ids = {employee_id for _who, old, new in moving for employee_id in (old, new) if employee_id}
        names = dict(User.objects.filter(employee_id__in=ids).values_list("employee_id", "full_name"))
        names |= {row.employee_id: row.full_name for row in plan.rows if row.employee_id in ids}
        for who, old, new in moving:
            old_name, new_name = names.get(old, "nobody"), names.get(new, "nobody")
            lines.append(AuthorityLine(
                plan.line_of(who), who.full_name, plan.row_of[who.pk].employee_id,
                f"supervisor {old_name} → {new_name}",
                f"{who.full_name} manages {', '.join(sorted(managed[who.pk]))}: {new_name} gains access to their "
                f"escrowed credentials, {old_name} loses it, and they fall due for rotation."))
    return sorted(lines, key=lambda line: (line.line, line.change))


def tell_old_addresses(plan, lines: list[AuthorityLine]) -> None:
    """Mail the old address of every person whose changed email moves power: if the change
    was not theirs, they hear of it where an attacker cannot stop them."""
    moved = {line.employee_id for line in lines if line.change.startswith("email ")}
    for user, _row, diff in plan.changed:
        if user.employee_id in moved and "email" in diff:
            old, new = diff["email"]
            notify(recipient=user, to=old, template="email_changed_from_roster",
                   context={"person": user, "old": old, "new": new}, key=f"email-changed:{user.pk}:{new}")
