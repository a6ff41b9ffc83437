"""Who sees the compliance audit (R-V-D).

The superintendent's office (the superintendent and every designee) sees the dashboard,
starts runs and reads findings within its delegations' scope. A site manager, and their
supervisor, see the findings on the accounts they answer for. Everyone signed in may read
the policy coverage page: it says how the portal implements Policy 4038.
"""

from mps_social.permissions import register
from people import roles
from people.selectors import reports_of


def _office(user, org_unit=None) -> bool:
    if org_unit is None:
        return roles.is_superintendent(user) or roles.is_designee(user)
    return bool(roles.powers_over(user, org_unit))


@register("audits.view_compliance", "See the compliance dashboard and start an audit")
def view_compliance(user, obj=None):
    return _office(user)


@register("audits.view_findings", "See findings (one's own, or the office's)")
def view_findings(user, obj=None):
    return True


@register("audits.view_finding", "See one finding")
def view_finding(user, finding):
    if _office(user, finding.account.org_unit):
        return True
    keepers = finding.account.designations.filter(ended_at__isnull=True)
    return (keepers.filter(person=user).exists()
            or keepers.filter(person__in=reports_of(user, including_departed=True)).exists())


@register("audits.view_coverage", "See how the portal implements each clause of Policy 4038")
def view_coverage(user, obj=None):
    return True


@register("audits.view_trail", "Read and export the audit trail (the office's, within its delegations' scope)")
def view_trail(user, obj=None):
    if obj is None:
        return _office(user)
    if obj.org_unit_id is None:
        return roles.is_superintendent(user)
    return _office(user, obj.org_unit)
