"""Who may report and who may triage concerns (R-IV-B, Policy 4038 §IV.B).

Anyone may report, signed in or not. Triage belongs to the superintendent and to
designees holding the "triage concerns" power; a report is theirs when its org unit lies
inside one of their delegations' scopes (``roles.powers_over``). A report with no org
unit (the district has none yet) is the superintendent's alone.

Following (R-IV-B): the head of a unit, and the site manager of an account, are told of
the reports about its accounts and names and read them (``selectors.followed_by``) without
the reporter's name or address, and follow their outcome; reading is not triaging.

Conflict of interest: nobody triages a report about an account they keep today, as its
site manager or its backup (``selectors.keepers``), the superintendent included; the
other triagers in scope handle it. A report is about a person only through the account it
names: the model has no person field, and who a free-text description is about is not
something the portal can read.
"""

from mps_social.permissions import register
from people import roles
from people.models import Power

from .selectors import follows, follows_anything, keepers


def keeps_reported_account(user, report) -> bool:
    """``user`` is the current site manager or backup of the account ``report`` is about."""
    return report.account_id is not None and keepers(report.account_id).filter(person=user.pk).exists()


@register("concerns.report", "Report a concern about social media", public=True)
def report(user, obj=None):
    return True  # §IV.B, §III.A: the public tells the district what it sees


@register("concerns.triage", "Work the concern triage queue")
def triage(user, obj=None):
    return roles.holds_power_somewhere(user, Power.TRIAGE_CONCERNS)


@register("concerns.triage_report", "See and act on one concern report")
def triage_report(user, report):
    """R-IV-B: in scope, and not about an account the user keeps."""
    if report is None:
        return False
    if report.org_unit_id is None:
        in_scope = roles.is_superintendent(user)
    else:
        in_scope = Power.TRIAGE_CONCERNS in roles.powers_over(user, report.org_unit)
    return in_scope and not keeps_reported_account(user, report)


@register("concerns.follow", "Follow the concern reports about one's school's or one's own accounts")
def follow(user, obj=None):
    return follows_anything(user)


@register("concerns.read", "Open concern reports: to triage them, or to follow them")
def read(user, obj=None):
    return triage(user) or follow(user)


@register("concerns.read_report", "Read one concern report")
def read_report(user, report):
    """R-IV-B: its triagers, and its followers (the head of its unit, the site manager of
    its account), who read it without acting on it."""
    if report is None:
        return False
    return triage_report(user, report) or follows(user, report)
