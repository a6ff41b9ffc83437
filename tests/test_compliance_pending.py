"""The audit is right about accounts not yet active (R-V-D, R-III-E): the site-manager
checks cover accounts pending setup too, and a finding closes only when a check that ran
on its account says the account now passes, never because the account was not checked."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as registry
from accounts.models import OfficialAccount, Platform
from compliance import checks, runs
from compliance.models import AuditRun, CheckResult, Finding
from people.models import User
from roster import effects, services as roster_services, sync


def audit() -> AuditRun:
    return runs.execute(runs.start_run(actor=None))


def open_findings(account) -> list[str]:
    return sorted(Finding.objects.filter(account=account, closed_at__isnull=True).values_list("check_slug", flat=True))


def depart(email: str) -> None:
    """HR's roster, everybody as they are but ``email``, who has left: the roster import's
    own path (its effects open the "site manager" finding at once)."""
    header = "employee_id,email,full_name,kind,org_unit,supervisor_id,active,job_title"
    lines = [header]
    for user in User.objects.filter(employee_id__isnull=False).select_related("org_unit", "supervisor"):
        active = "no" if user.email == email else "yes"
        supervisor = user.supervisor.employee_id if user.supervisor else ""
        lines.append(f"{user.employee_id},{user.email},{user.full_name},{user.kind},{user.org_unit.code},"
                     f"{supervisor},{active},Staff")
    plan = sync.compare(sync.read(("\n".join(lines) + "\n").encode()))
    assert [user.email for user in plan.deactivated] == [email]
    roster_services.apply_plan(plan, effects.authority_lines(plan), actor=None)


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_r_v_d_the_washburn_theatre_finding_stays_open_while_its_departed_site_manager_keeps_it(demo):
    """The demo's Washburn Theatre is pending setup; its site manager, Priya Raman, leaves.
    The roster opens "site manager" at once, and the nightly audit must keep it open while
    she is still its site manager (it closed it as fixed: the audit did not look at
    accounts pending setup, and read "not checked" as "passes")."""
    theatre = OfficialAccount.objects.get(handle="washburn_theatre")
    assert theatre.status == OfficialAccount.Status.PENDING_SETUP
    depart("teacher.washburn@example.org")
    assert "site_manager" in open_findings(theatre)
    run = audit()
    assert "site_manager" in open_findings(theatre), "closed as fixed while the departed teacher keeps it"
    finding = Finding.objects.get(account=theatre, check_slug="site_manager", closed_at__isnull=True)
    assert finding.closed_by_run is None
    assert run.findings_closed == 0 or not Finding.objects.filter(account=theatre, closed_by_run=run,
                                                                   check_slug="site_manager").exists()
    audit()  # the next night still sees it, and opens no second one
    assert Finding.objects.filter(account=theatre, check_slug="site_manager").count() == 1


def pending(district, handle="north_pending", site_manager=None) -> OfficialAccount:
    return registry.establish_account(
        actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=district.north,
        display_name="North Pending", handle=handle, site_manager=site_manager or district.teacher,
        origin=OfficialAccount.Origin.DIRECT, reason="For the test.")


def test_r_iii_e_a_departed_site_manager_of_an_account_pending_setup_is_a_finding(district):
    """The audit finds it by itself, without the roster's event, and closes it once
    somebody else who is an active employee keeps the account, by a check that ran."""
    account = pending(district)
    User.objects.filter(pk=district.teacher.pk).update(is_active=False)
    run = audit()
    assert open_findings(account) == ["site_manager"] and run.findings_opened == 1
    User.objects.filter(pk=district.teacher.pk).update(is_active=True)
    run = audit()
    assert open_findings(account) == [] and run.findings_closed == 1
    assert Finding.objects.get(account=account).closed_by_run == run


def test_r_iii_e_a_contractor_site_manager_of_an_account_pending_setup_is_a_finding(district):
    account = pending(district)
    User.objects.filter(pk=district.teacher.pk).update(kind=User.Kind.CONTRACTOR)
    audit()
    assert open_findings(account) == ["site_manager"]


def test_r_v_d_an_account_pending_setup_is_not_faulted_for_what_only_activation_brings(district):
    """Credentials are escrowed to activate an account (R-III-E) and the annual review
    counts from then (R-V-D): pending, neither is a finding."""
    account = pending(district)
    audit()
    assert open_findings(account) == []


def test_r_v_d_a_finding_the_run_did_not_check_stays_open(district):
    """A finding of a check that does not cover the account's status now (rotation, on an
    account suspended since) is left open: not checked is not passing. Once the account is
    active again, the run checks it and closes what passes."""
    account = pending(district)
    OfficialAccount.objects.filter(pk=account.pk).update(status=OfficialAccount.Status.ACTIVE, rotation_due=True,
                                                         rotation_due_reason="Revealed.")
    audit()
    assert "rotation" in open_findings(account)
    OfficialAccount.objects.filter(pk=account.pk).update(status=OfficialAccount.Status.SUSPENDED, rotation_due=False)
    run = audit()
    assert "rotation" in open_findings(account) and run.findings_closed == 0
    OfficialAccount.objects.filter(pk=account.pk).update(status=OfficialAccount.Status.ACTIVE)
    audit()
    assert "rotation" not in open_findings(account)


def test_r_v_d_each_check_counts_the_accounts_it_covers(district):
    pending(district)
    OfficialAccount.objects.filter(handle="north_pending").update(status=OfficialAccount.Status.PENDING_SETUP)
    run = audit()
    results = dict(CheckResult.objects.filter(run=run).values_list("check_slug", "accounts"))
    assert results["site_manager"] == results["training"] == 1
    assert results["escrowed"] == results["review"] == 0
    assert run.accounts_checked == 1
    assert {check.slug for check in checks.CHECKS if OfficialAccount.Status.PENDING_SETUP in check.statuses} == {
        "site_manager", "training"}


def test_r_v_d_the_audit_stays_set_based_with_accounts_pending_setup(district):
    """The same number of queries for 10 accounts as for 300, pending and active alike,
    every one failing a check."""
    platform = Platform.objects.get(slug="instagram")
    made = [0]

    def grow(count):
        OfficialAccount.objects.bulk_create([
            OfficialAccount(platform=platform, org_unit=district.north, display_name=f"Bulk {made[0] + n}",
                            handle=f"bulk_{made[0] + n}", handle_key=f"bulk_{made[0] + n}",
                            origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent,
                            status=OfficialAccount.Status.PENDING_SETUP if n % 2 else OfficialAccount.Status.ACTIVE)
            for n in range(count)])
        made[0] += count

    def queries():
        with CaptureQueriesContext(connection) as captured:
            run = audit()
        return len(captured), run

    grow(10)
    queries()  # opens the first findings
    grow(10)
    small, run = queries()
    assert run.findings_opened >= 10
    grow(300)
    large, run = queries()
    assert run.findings_opened >= 300
    assert large == small, f"{small} queries at 20 accounts, {large} at 320"
