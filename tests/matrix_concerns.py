"""Authorization rows of the concern pages (R-IV-B, Policy 4038 §IV.B).

Following ``mps_social.access``: the report form and its "sent" page are public (200 for
everyone). The triage pages need ``concerns.triage``: anonymous visitors are sent to sign
in (302), signed-in staff without the triage power get 403, on the queue and on any
report page alike (the page-level check runs before the report is looked up, so a 403
confirms nothing about a reference). A report outside a triager's scope is 404 (see
tests/test_concerns.py: a designee for one school and another school's report).

The POST endpoints are posted empty: the triager gets the report page back with the
error beside the field (200), nothing changes.

The principal heads North High here, so the report about North's name is theirs to
read (200, the read-only page) but not to triage (403 on its actions); the list of the
reports about their school's accounts is theirs alone (R-IV-B).
"""

from accounts.models import ProtectedName
from concerns.models import ConcernReport
from people.models import OrgUnit, Power

from .matrix import NORTH, Row, only, public

TRIAGERS = {"superintendent": 200, "designee": 200}
TRIAGE = frozenset({Power.TRIAGE_CONCERNS})


def principal_heads_north(district):
    OrgUnit.objects.filter(pk=district.north.pk).update(head=district.principal)
    return {}


def district_report(district):
    """A report about an impersonation of North High School's name, in every triager's
    scope, which North's head (the principal) follows."""
    principal_heads_north(district)
    # Not get_or_create: each row's kwargs run again in one test, and a repeated get() is an N+1 to zeal.
    name = ProtectedName.objects.filter(name="North High School", owner=district.north).first() or \
        ProtectedName.objects.create(name="North High School", owner=district.north, kind=ProtectedName.Kind.SCHOOL)
    report, _ = ConcernReport.objects.get_or_create(
        reference="C-MATR1X00",
        defaults={"kind": ConcernReport.Kind.IMPERSONATION, "description": "A fake North High account.",
                  "link": "@north_high_fake", "org_unit": district.north, "matched_name": name},
    )
    return {"reference": report.reference}


CONCERN_ROWS = {
    "concerns:report": Row(public()),
    "concerns:report_sent": Row(public()),
    "concerns:queue": Row(only(TRIAGERS), powers=TRIAGE),
    "concerns:detail": Row(only({**TRIAGERS, "principal": 200}), kwargs=district_report, powers=TRIAGE,
                           reach=NORTH),
    "concerns:followed": Row(only({"principal": 200}), kwargs=principal_heads_north),
    "concerns:assign": Row(only(TRIAGERS), method="post", kwargs=district_report, powers=TRIAGE, reach=NORTH),
    "concerns:note": Row(only(TRIAGERS), method="post", kwargs=district_report, powers=TRIAGE, reach=NORTH),
    "concerns:resolve": Row(only(TRIAGERS), method="post", kwargs=district_report, powers=TRIAGE, reach=NORTH),
}
