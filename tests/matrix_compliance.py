"""Authorization rows of the compliance pages: the audit, findings, the dashboard (R-V-D).

The dashboard, runs and their progress are the superintendent's office's. Findings are
listed for everyone signed in (each sees the findings they answer for); one finding on
the matrix's North High account is seen by its site manager (the teacher), their
supervisor (the principal) and the office, and is 404 to everybody else.
"""

from people.models import Power

from .matrix import DISTRICT, NORTH, Row, only, staff
from .matrix_registry import registry_account

OFFICE = {"superintendent": 200, "designee": 200}
OUTSIDE = {"coach": 404, "contractor": 404, "outsider": 404, "admin": 404}
OVERSEE = frozenset({Power.OVERSEE_COMPLIANCE})


def a_run(district):
    from compliance.models import AuditRun

    run = AuditRun.objects.filter(status=AuditRun.Status.FINISHED).first() or AuditRun.objects.create(
        status=AuditRun.Status.FINISHED, checks_total=1, checks_done=1)
    return {"pk": run.pk}


def a_finding(district):
    from django.utils import timezone

    from compliance.models import Finding

    account_pk = registry_account(district)["pk"]
    finding = Finding.objects.filter(account_id=account_pk).first() or Finding.objects.create(
        check_slug="review", account_id=account_pk, detail="The annual review is overdue.", opened_at=timezone.now(),
        opened_by_run_id=a_run(district)["pk"])
    return {"pk": finding.pk}


COMPLIANCE_ROWS = {
    "compliance:dashboard": Row(only(OFFICE), powers=OVERSEE),
    "compliance:start": Row(only({"superintendent": 302, "designee": 302}), method="post", powers=OVERSEE, reach=DISTRICT),
    "compliance:run": Row(only(OFFICE), kwargs=a_run, powers=OVERSEE, reach=DISTRICT),
    "compliance:progress": Row(only(OFFICE), kwargs=a_run, powers=OVERSEE, reach=DISTRICT),
    "compliance:findings": Row(staff()),
    "compliance:finding": Row(only({**OFFICE, "teacher": 200, "principal": 200, **OUTSIDE}), kwargs=a_finding,
                          powers=OVERSEE, reach=NORTH),
    "compliance:coverage": Row(staff()),
    # The audit trail: the office's; a designee reads their scope's events (tests/test_audit_chain.py).
    "audits:trail": Row(only(OFFICE), powers=OVERSEE),
}
