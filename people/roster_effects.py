"""What a roster change sets in motion (Policy 4038 §III.E), inside the import's transaction.

- Someone who left (deactivated) loses their delegations; the sessions they had end at
  their next request (an inactive user is never authenticated again). Where they were a
  site manager, each account gets a "site manager" finding at once, its credentials fall
  due for rotation, and the superintendent's office and the departed person's supervisor
  are told.
- A site manager with a new supervisor: the old supervisor could reveal the credentials,
  the new one now can; they fall due for rotation.
- A site manager who became a contractor can no longer be one: a finding at once.
"""

from django.utils import timezone

from accounts.models import Designation, OfficialAccount
from audits import compliance
from audits.services import record
from credentials import services as escrow
from notifications.services import notify_many
from people.selectors import power_holders

from .models import Delegation, Power, User

DEPARTED = "The site manager has left the district (HR roster)."
CONTRACTOR = "The site manager is now a contractor; a site manager must be a district employee (§III.E)."


def _accounts_managed_by(people) -> "OfficialAccount.objects":
    managed = Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True, person__in=people)
    return OfficialAccount.objects.live().filter(pk__in=managed.values("account_id"))


def carry_out(plan, *, actor: User | None) -> dict[str, int]:
    departed = [user for user in plan.deactivated]
    counts = {"delegations ended": _end_delegations(departed, actor)}
    accounts = _accounts_managed_by(departed)
    findings = compliance.open_now(accounts=accounts, check_slug="site_manager", detail=DEPARTED, actor=actor)
    counts["rotations due"] = escrow.mark_rotation_due(accounts, actor=actor,
                                                       reason="The site manager left the district.")
    _tell_about_departures(findings, actor)
    contractors = [user for user in plan.became_contractors if user.is_active]
    findings += compliance.open_now(accounts=_accounts_managed_by(contractors), check_slug="site_manager",
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
        items += [(person, "site_manager_departed", context, f"departed:{finding.pk}:{person.pk}")
                  for person in people if actor is None or person.pk != actor.pk]
    notify_many(items)
