"""Who sees the compliance audit (R-V-D).

The superintendent, and designees holding "oversee compliance", see the dashboard and the
findings within their delegations' scope. The audit's runs check the whole
district at once, so starting one and reading its figures needs that power over the whole
district. A site manager, and their supervisor, see the findings on the accounts they
answer for. Everyone signed in may read the policy coverage page: it says how the portal
implements Policy 4038.
"""

from audits.permissions import oversees_compliance
from mps_social.permissions import register
from people import roles
from people.models import Power
from people.selectors import reports_of


@register("compliance.view_compliance", "See the compliance dashboard within one's scope")
def view_compliance(user, obj=None):
    return oversees_compliance(user)


@register("compliance.run_audit", "Start the audit and follow its runs (the whole district's)")
def run_audit(user, obj=None):
    return roles.holds_over_district(user, Power.OVERSEE_COMPLIANCE)


@register("compliance.view_findings", "See findings (one's own, or the office's)")
def view_findings(user, obj=None):
    return True


@register("compliance.view_finding", "See one finding")
def view_finding(user, finding):
    if oversees_compliance(user, finding.account.org_unit):
        return True
    keepers = finding.account.designations.filter(ended_at__isnull=True)
    return (keepers.filter(person=user).exists()
            or keepers.filter(person__in=reports_of(user, including_departed=True)).exists())


@register("compliance.view_coverage", "See how the portal implements each clause of Policy 4038")
def view_coverage(user, obj=None):
    return True
