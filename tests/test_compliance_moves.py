"""The compliance audit left the audits app for its own (issue 21, "Split audits"): the
runs, results and findings a district already has keep every row and id, the one-at-a-
time and one-open-finding rules still hold on the renamed tables, and the nightly
schedule names the task a worker knows (R-V-D)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.models import OfficialAccount
from compliance.models import AuditRun, CheckResult, Finding
from compliance.tasks import run_audit

from .factories import OrgUnitFactory, PlatformFactory, UserFactory

BEFORE = [("compliance", None)]  # the audits app still holds the models (audits 0009)
NIGHTLY = "Nightly compliance audit"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_r_v_d_the_runs_and_findings_move_to_the_compliance_app_without_losing_a_row():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    assert PeriodicTask.objects.get(name=NIGHTLY).task == "audits.run_audit"  # the rename goes back too
    old = executor.loader.project_state([("audits", "0009_finding_open_newest_index")]).apps
    unit = OrgUnitFactory(code="OLD", name="Old School", kind="school")
    # The registry's tables stay at their latest (only compliance went back): today's model.
    account = OfficialAccount.objects.create(
        platform_id=PlatformFactory().pk, org_unit_id=unit.pk, unit_path=unit.path, display_name="Old School",
        handle="old_school", handle_key="old_school", status="active", origin="direct",
        established_by_id=UserFactory().pk)
    run = old.get_model("audits", "AuditRun").objects.create(status="finished", checks_total=1, checks_done=1,
                                                              finished_at=timezone.now())
    old.get_model("audits", "CheckResult").objects.create(run=run, check_slug="review", accounts=1, failing=1)
    finding = old.get_model("audits", "Finding").objects.create(
        check_slug="review", account_id=account.pk, detail="The annual review is overdue.",
        opened_at=timezone.now(), opened_by_run=run)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)

    moved = Finding.objects.get(pk=finding.pk)
    assert (moved.detail, moved.opened_by_run_id, moved.account_id) == (finding.detail, run.pk, account.pk)
    assert CheckResult.objects.get(run_id=run.pk).failing == 1
    assert {"compliance_auditrun", "compliance_checkresult", "compliance_finding"} <= set(
        connection.introspection.table_names())
    assert ContentType.objects.get_for_model(Finding).app_label == "compliance"
    assert PeriodicTask.objects.get(name=NIGHTLY).task == run_audit.name == "compliance.run_audit"
    with pytest.raises(IntegrityError), transaction.atomic():  # one open finding per (check, account)
        Finding.objects.create(check_slug="review", account_id=account.pk, opened_at=timezone.now())
    AuditRun.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():  # one run at a time
        AuditRun.objects.create()
