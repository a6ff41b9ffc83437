"""Who may report and who may triage concerns (R-IV-B, Policy 4038 §IV.B).

Anyone may report, signed in or not. Triage belongs to the superintendent and to
designees holding the "triage concerns" power; a report is theirs when its org unit lies
inside one of their delegations' scopes (``roles.powers_over``). A report with no org
unit (the district has none yet) is the superintendent's alone.
"""

from mps_social.permissions import register
from people import roles
from people.models import Power


@register("concerns.report", "Report a concern about social media", public=True)
def report(user, obj=None):
    return True  # §IV.B, §III.A: the public tells the district what it sees


@register("concerns.triage", "Work the concern triage queue")
def triage(user, obj=None):
    return roles.holds_power_somewhere(user, Power.TRIAGE_CONCERNS)


@register("concerns.triage_report", "See and act on one concern report")
def triage_report(user, report):
    if report is None:
        return False
    if report.org_unit_id is None:
        return roles.is_superintendent(user)
    return Power.TRIAGE_CONCERNS in roles.powers_over(user, report.org_unit)
