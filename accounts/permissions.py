"""Permissions over the catalogue, the registry and its public pages (R-III-B, R-III-E).

The superintendent's office is the superintendent plus designees in scope: "in scope"
means a delegation whose org-unit subtree contains the account's unit (``roles.powers_over``)
and that carries the power the action needs. Reading an account's registry page needs any
power about accounts (``REGISTRY_POWERS``) over its unit; changing it needs "establish and
manage accounts". Importing the roster is about people and shows no account.
"""

from mps_social.permissions import register
from people import roles
from people.models import REGISTRY_POWERS, Power


@register("accounts.view_directory", "Browse the public directory of official accounts", public=True)
def view_directory(user, obj=None):
    return True  # Policy 4038 §III.F: the list of official accounts is public


def _site_manager_id(account):
    # ``current_site_manager_id`` is annotated by selectors; fall back to a query.
    if hasattr(account, "current_site_manager_id"):
        return account.current_site_manager_id
    designation = account.designations.current().filter(role="site_manager").first()
    return designation.person_id if designation else None


def _is_keeper(user, account) -> bool:
    """The current site manager or backup."""
    return account.designations.current().filter(person=user).exists()


def _supervises_site_manager(user, account) -> bool:
    manager_id = _site_manager_id(account)
    return manager_id is not None and user.reports.filter(pk=manager_id, is_active=True).exists()


def _office(user, account, power=None) -> bool:
    powers = roles.powers_over(user, account.org_unit)
    return bool(powers & REGISTRY_POWERS) if power is None else power in powers


@register("accounts.view_registry", "See the registry within one's delegations (the superintendent's office)")
def view_registry(user, obj=None):
    return roles.holds_power_somewhere(user, *REGISTRY_POWERS)


@register("accounts.view_my_accounts", "See the accounts one keeps")
def view_my_accounts(user, obj=None):
    return True


@register("accounts.view_account", "See an official account's page")
def view_account(user, account):
    return _office(user, account) or _is_keeper(user, account) or _supervises_site_manager(user, account)


@register("accounts.establish_directly", "Establish an account without an application (§III.B)")
def establish_directly(user, org_unit=None):
    if org_unit is None:
        return roles.holds_power_somewhere(user, Power.ESTABLISH_ACCOUNTS)
    return Power.ESTABLISH_ACCOUNTS in roles.powers_over(user, org_unit)


@register("accounts.manage_lifecycle", "Suspend, reinstate or retire an account")
def manage_lifecycle(user, account):
    return _office(user, account, Power.ESTABLISH_ACCOUNTS)


@register("accounts.edit_account", "Change an account's name, handle, address or unit")
def edit_account(user, account):
    # The superintendent's office over the account's unit; a move needs the power over
    # the new unit too (``accounts.services.edit_account`` asks ``establish_directly``).
    return manage_lifecycle(user, account)


@register("accounts.mark_compromised", "Mark an account compromised, and recovered")
def mark_compromised(user, account):
    # Policy 4038 §III.E: the superintendent's office, those who manage the account's lifecycle.
    return manage_lifecycle(user, account)


@register("accounts.hand_over", "Designate a new site manager")
def hand_over(user, account):
    # Policy 4038 §III.E: the superintendent's office, or the site manager's supervisor.
    return manage_lifecycle(user, account) or _supervises_site_manager(user, account)


@register("accounts.set_backup", "Name the account's backup")
def set_backup(user, account):
    return hand_over(user, account) or _site_manager_id(account) == user.pk


@register("accounts.review", "Record the annual review")
def review(user, account):
    return _site_manager_id(account) == user.pk


@register("accounts.export_registry", "Download the registry as CSV")
def export_registry(user, obj=None):
    return view_registry(user)


@register("accounts.view_person", "See a person's accounts and hand them all over (the superintendent's office)")
def view_person(user, person=None):
    # Which people: ``selectors.people_in_reach`` (404 beyond). Which of their accounts, and
    # whether each may be handed over: ``hand_over`` on each account.
    return roles.holds_power_somewhere(user, Power.ESTABLISH_ACCOUNTS)
