"""Who may escrow and who may reveal an account's log-in credentials (R-III-E, §III.E).

Reveal: the account's current site manager; that site manager's current supervisor; the
superintendent; a designee whose delegation in force gives the reveal power over the
account's unit; and an employee holding a temporary access grant in force. Nobody else:
being Django admin staff gives nothing here. Escrow (entering or rotating credentials)
belongs to the site manager. The superintendent's office alone reads the access history
across people, lends access, and may open replaced versions.
"""

from mps_social.permissions import register
from people import roles
from people.models import Power


def site_manager_id(account):
    if hasattr(account, "current_site_manager_id"):  # annotated by accounts.selectors
        return account.current_site_manager_id
    designation = account.designations.current().filter(role="site_manager").first()
    return designation.person_id if designation else None


def _office(user, account) -> bool:
    return Power.REVEAL_CREDENTIALS in roles.powers_over(user, account.org_unit)


def _supervises_site_manager(user, account) -> bool:
    manager_id = site_manager_id(account)
    return manager_id is not None and user.reports.filter(pk=manager_id, is_active=True).exists()


def _granted(user, account) -> bool:
    return user.is_employee and account.access_grants.in_force().filter(grantee=user).exists()


@register("credentials.view_access", "See the list of credentials one may reveal")
def view_access(user, obj=None):
    return True


@register("credentials.escrow", "Enter or rotate an account's escrowed credentials")
def escrow(user, account):
    return account.status != "retired" and site_manager_id(account) == user.pk


@register("credentials.reveal", "Reveal an account's escrowed credentials")
def reveal(user, account):
    if account.status == "retired":
        return _office(user, account)
    return (
        site_manager_id(account) == user.pk
        or _office(user, account)
        or _supervises_site_manager(user, account)
        or _granted(user, account)
    )


@register("credentials.view_history", "See who revealed an account's credentials")
def view_history(user, account):
    return _office(user, account) or site_manager_id(account) == user.pk


@register("credentials.audit_access", "See and export everyone's reveals (the superintendent's office)")
def audit_access(user, obj=None):
    return roles.holds_power_somewhere(user, Power.REVEAL_CREDENTIALS)


@register("credentials.grant_access", "Lend reveal access to an employee for a while")
def grant_access(user, account):
    return _office(user, account)
