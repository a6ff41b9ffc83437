"""The nightly compliance audit (R-V-D): each check opens its finding and closes it once
fixed, one finding per (check, account), notices to the site manager and their
supervisor, one run at a time, a constant number of queries at any size, and the pages."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from zeal import zeal_ignore

from accounts import services as registry
from accounts.models import OfficialAccount, Platform, ProtectedName
from compliance import runs
from compliance.models import AuditRun, CheckResult, Finding
from compliance.tasks import run_audit
from credentials import services as escrow
from credentials.models import CredentialVersion, Secrets
from notifications.models import OutboxMessage
from people.models import User

from .a11y import assert_accessible
from .factories import DelegationFactory


def compliant(district, handle="north_ok", unit=None, site_manager=None) -> OfficialAccount:
    """An active account that passes every check: an employee site manager, fresh
    credentials, a review a year away, no audience below the platform's age."""
    account = registry.establish_account(
        actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=unit or district.north,
        display_name="North Compliant", handle=handle, site_manager=site_manager or district.teacher,
        origin=OfficialAccount.Origin.DIRECT, reason="For the test.")
    # One account per call, as its page works on one; zeal counts the calls of a whole test.
    with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
        escrow.escrow(actor=site_manager or district.teacher, account=account, secrets=Secrets(login="x", password="y"))
    account.refresh_from_db()
    return account


def audit() -> AuditRun:
    return runs.execute(runs.start_run(actor=None))


def open_findings(account) -> list[str]:
    return sorted(Finding.objects.filter(account=account, closed_at__isnull=True).values_list("check_slug", flat=True))


def break_and_fix(district, account, slug):
    """Make ``account`` fail the check ``slug``; return how to fix it."""
    teacher = User.objects.get(pk=district.teacher.pk)
    if slug == "site_manager":
        User.objects.filter(pk=teacher.pk).update(is_active=False)
        return lambda: User.objects.filter(pk=teacher.pk).update(is_active=True)
    if slug == "escrowed":
        CredentialVersion.objects.filter(account=account).update(replaced_at=timezone.now())
        return lambda: escrow.escrow(actor=teacher, account=account, secrets=Secrets(login="x", password="z"))
    if slug == "escrow_age":
        CredentialVersion.objects.filter(account=account).update(created_at=timezone.now() - timedelta(days=400))
        return lambda: escrow.escrow(actor=teacher, account=account, secrets=Secrets(login="x", password="z"))
    if slug == "rotation":
        OfficialAccount.objects.filter(pk=account.pk).update(rotation_due=True, rotation_due_reason="Revealed.")
        return lambda: escrow.escrow(actor=teacher, account=account, secrets=Secrets(login="x", password="z"))
    if slug == "review":
        OfficialAccount.objects.filter(pk=account.pk).update(next_review_due=timezone.localdate() - timedelta(days=1))
        return lambda: registry.record_review(actor=teacher, account=account, still_needed=True, details_correct=True,
                                              recovery_district_owned=True, two_factor_enabled=True)
    if slug == "audience_age":
        OfficialAccount.objects.filter(pk=account.pk).update(audience_min_age=10)
        return lambda: OfficialAccount.objects.filter(pk=account.pk).update(audience_min_age=14)
    if slug == "protected_name":
        name = ProtectedName.objects.create(name="South Stars", kind=ProtectedName.Kind.TEAM, owner=district.south)
        OfficialAccount.objects.filter(pk=account.pk).update(display_name="North loves the South Stars")
        return lambda: name.delete()
    if slug == "training":
        from training.models import Completion, Course

        course = Course.objects.create(title="Site manager training", slug="sm-training", for_site_managers=True,
                                       allows_self_attestation=True)
        today = timezone.localdate()
        return lambda: Completion.objects.create(user=teacher, course=course, completed_on=today,
                                                 expires_on=today + timedelta(days=365),
                                                 method=Completion.Method.SELF_ATTESTED)
    raise AssertionError(slug)


SLUGS = ["site_manager", "training", "escrowed", "escrow_age", "rotation", "review", "audience_age",
         "protected_name"]


@pytest.mark.parametrize("slug", SLUGS)
def test_r_v_d_each_check_opens_its_finding_and_closes_it_once_fixed(district, slug):
    account = compliant(district)
    audit()
    assert open_findings(account) == []
    fix = break_and_fix(district, account, slug)
    run = audit()
    assert open_findings(account) == [slug] and run.findings_opened == 1
    audit()  # still failing: the same finding stays open, no second one
    assert Finding.objects.filter(account=account, check_slug=slug).count() == 1
    fix()
    run = audit()
    assert open_findings(account) == [] and run.findings_closed == 1
    finding = Finding.objects.get(account=account, check_slug=slug)
    assert finding.closed_by_run == run


@pytest.mark.parametrize("slug", SLUGS)
def test_r_v_d_a_finding_closes_when_its_account_leaves_the_audit(district, slug):
    """A retired account is no longer audited: its open finding closes on the next run,
    though no active account fails the check (the tally counts the check's open findings,
    not only the failing accounts')."""
    account = compliant(district)
    break_and_fix(district, account, slug)
    audit()
    assert open_findings(account) == [slug]
    OfficialAccount.objects.filter(pk=account.pk).update(status=OfficialAccount.Status.RETIRED)
    run = audit()
    assert open_findings(account) == [] and run.findings_closed == 1
    assert run.accounts_checked == OfficialAccount.objects.active().count()


def test_r_v_d_the_site_manager_and_their_supervisor_are_told_once(district):
    account = compliant(district)
    OfficialAccount.objects.filter(pk=account.pk).update(rotation_due=True, rotation_due_reason="Revealed.")
    audit()
    audit()
    told = sorted(OutboxMessage.objects.filter(template="finding_opened").values_list("to", flat=True))
    assert told == ["principal@example.org", "teacher@example.org"]
    mail = OutboxMessage.objects.get(template="finding_opened", to="principal@example.org")
    assert "which Tess Teacher manages" in mail.body_text and "§III.E" in mail.body_text


def test_r_v_d_one_run_at_a_time(district):
    running = runs.start_run(actor=district.superintendent)
    with pytest.raises(runs.AuditAlreadyRunning) as caught:
        runs.start_run(actor=district.designee)
    assert caught.value.run == running
    assert run_audit() == running.pk  # the nightly task sees the run in progress and does nothing
    assert AuditRun.objects.count() == 1


def test_a_stuck_run_does_not_block_the_next(district):
    stuck = runs.start_run(actor=None)
    AuditRun.objects.filter(pk=stuck.pk).update(started_at=timezone.now() - timedelta(hours=2))
    fresh = runs.start_run(actor=None)
    stuck.refresh_from_db()
    assert stuck.status == AuditRun.Status.FAILED and fresh.status == AuditRun.Status.RUNNING


def test_r_v_d_the_nightly_task_runs_every_check(district):
    compliant(district)
    run = AuditRun.objects.get(pk=run_audit())
    assert run.status == AuditRun.Status.FINISHED and run.checks_done == run.checks_total
    assert CheckResult.objects.filter(run=run).count() == run.checks_total
    assert run.accounts_checked == 1


def test_r_v_d_the_audit_is_set_based(district):
    """The same number of queries for 10 accounts as for 500, every one failing a check."""
    platform = Platform.objects.get(slug="instagram")
    made = [0]

    def grow(count):
        OfficialAccount.objects.bulk_create([
            OfficialAccount(platform=platform, org_unit=district.north, display_name=f"Bulk {made[0] + n}",
                            handle=f"bulk_{made[0] + n}", handle_key=f"bulk_{made[0] + n}",
                            origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent,
                            status=OfficialAccount.Status.ACTIVE, rotation_due=True)
            for n in range(count)])
        made[0] += count
        Finding.objects.all().delete()
        AuditRun.objects.all().delete()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            run = audit()
        return len(captured), run

    grow(10)
    small, run = queries()
    assert run.accounts_checked == 10 and run.findings_opened >= 10
    grow(490)
    large, run = queries()
    assert run.accounts_checked == 500 and run.findings_opened >= 500
    assert large == small, f"{small} queries at 10 accounts, {large} at 500"


# --- the pages -------------------------------------------------------------------------


def test_the_dashboard_shows_each_clause_with_its_share(district, client_for):
    account = compliant(district)
    compliant(district, handle="north_two")
    OfficialAccount.objects.filter(pk=account.pk).update(rotation_due=True, rotation_due_reason="Revealed.")
    audit()
    html = client_for("superintendent").get(reverse("compliance:dashboard")).content.decode()
    assert_accessible(html, "dashboard")
    assert "No rotation outstanding" in html and "50%" in html and "§III.E" in html
    assert 'value="0.5"' in html


def test_the_dashboard_shows_the_latest_finished_run_and_the_running_one(district, client_for):
    """The latest run and its results are read off the trend, the running run off the
    recent runs (``compliance.views.dashboard``): a run started since shows as running, and
    the figures stay the last finished run's."""
    compliant(district)
    audit()
    OfficialAccount.objects.update(rotation_due=True, rotation_due_reason="Revealed.")
    latest = audit()
    client = client_for("superintendent")
    html = client.get(reverse("compliance:dashboard")).content.decode()
    assert f'Last run: <a href="{reverse("compliance:run", args=[latest.pk])}">' in html and "Run the audit now" in html
    rotation = html[html.index("No rotation outstanding"):]
    rotation = rotation[:rotation.index("</tr>")]
    assert "<strong>0%</strong>" in rotation  # the latest run's share, and both runs' in the trend, oldest first
    assert rotation.index(': 100%"></meter>') < rotation.index(': 0%"></meter>')
    running = runs.start_run(actor=None)
    html = client.get(reverse("compliance:dashboard")).content.decode()
    assert "Watch the running audit" in html and f'href="{reverse("compliance:run", args=[running.pk])}"' in html
    assert f'Last run: <a href="{reverse("compliance:run", args=[latest.pk])}">' in html


def test_the_dashboards_rows_and_runs_are_escaped_linked_and_headed(district, client_for, monkeypatch):
    """R-V-D: each check's row is headed by its title, every value is escaped, the open
    findings link to their list for that check, and each run links to its page, names
    who started it and when (``<time>``), and says what it did."""
    from dataclasses import replace

    from django.test.html import parse_html
    from django.utils.formats import date_format

    from compliance import views
    from compliance.checks import CHECKS

    from .factories import UserFactory

    html = client_for("superintendent").get(reverse("compliance:dashboard")).content.decode()
    assert parse_html("<li>No run yet.</li>") in parse_html(html)
    assert "Not measured yet" in html and "Last run:" not in html
    account = compliant(district)
    OfficialAccount.objects.filter(pk=account.pk).update(rotation_due=True, rotation_due_reason="Revealed.")
    first = audit()
    starter = UserFactory(full_name="Ann <b>O'Neil</b> & Co")
    AuditRun.objects.filter(pk=first.pk).update(started_by=starter)
    rotation = next(check for check in CHECKS if check.slug == "rotation")
    monkeypatch.setattr(views, "CHECKS", [replace(rotation, title="No <rotation> & \"due\"")])
    html = client_for("superintendent").get(reverse("compliance:dashboard")).content.decode()
    row = parse_html(html[html.index("<tbody>"):html.index("</tbody>") + len("</tbody>")])
    assert len(row.children) == 1
    assert parse_html(f'<th scope="row">No &lt;rotation&gt; &amp; &quot;due&quot;<br><span class="muted">'
                      f"{rotation.why}</span></th>") in row
    assert "<rotation>" not in html
    assert parse_html(f'<a href="{reverse("compliance:findings")}?check=rotation">1<span class="visually-hidden"> open '
                      f'findings for no &lt;rotation&gt; &amp; &quot;due&quot;</span></a>') in row
    assert parse_html("<strong>0%</strong>") in row and ': 0%"></meter>' in html
    at = timezone.localtime(first.started_at)
    assert parse_html(f'<li><a href="{reverse("compliance:run", args=[first.pk])}"><time datetime="{at.isoformat()}">'
                      f'{date_format(at, "M j, Y H:i")}</time></a>: finished, started by Ann &lt;b&gt;O&#x27;Neil'
                      f'&lt;/b&gt; &amp; Co; {first.findings_opened} opened, 0 closed</li>') in parse_html(html)
    assert "<b>O" not in html
    assert_accessible(html, "dashboard")


def test_r_iii_e_the_dashboard_states_the_escrow_age_limit_in_days(district, client_for, settings):
    """R-III-E: the check of the credentials' age says the limit the audit applies, in
    days, as the district set it (``ESCROW_MAX_AGE_DAYS``), never the setting's name."""
    client = client_for("superintendent")
    html = client.get(reverse("compliance:dashboard")).content.decode()
    assert f"changed at least every {settings.ESCROW_MAX_AGE_DAYS} days." in html
    assert "ESCROW_MAX_AGE_DAYS" not in html
    settings.ESCROW_MAX_AGE_DAYS = 365
    assert "changed at least every 365 days." in client.get(reverse("compliance:dashboard")).content.decode()


def test_starting_a_run_leads_to_its_progress(district, client_for, django_capture_on_commit_callbacks):
    compliant(district)
    client = client_for("designee")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("compliance:start"))
    run = AuditRun.objects.get()
    assert response["Location"] == reverse("compliance:run", args=[run.pk])
    run.refresh_from_db()
    assert run.status == AuditRun.Status.FINISHED  # the task ran (eagerly here)
    progress = client.get(reverse("compliance:progress", args=[run.pk])).json()
    assert progress["progress"] == 100 and progress["status"] == "finished"
    assert_accessible(client.get(reverse("compliance:run", args=[run.pk])).content.decode(), "run")


def test_findings_for_the_site_manager_on_their_home_page_and_in_csv(district, client_for):
    account = compliant(district)
    OfficialAccount.objects.filter(pk=account.pk).update(next_review_due=timezone.localdate() - timedelta(days=3))
    audit()
    home = client_for("teacher").get("/").content.decode()
    assert f"Fix a finding on {account.display_name}" in home and "The annual review is overdue." in home
    assert "Fix a finding" not in client_for("coach").get("/").content.decode()
    response = client_for("superintendent").get(reverse("compliance:findings") + "?format=csv")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "North Compliant" in body and "R-V-D" in body
    html = client_for("principal").get(reverse("compliance:findings")).content.decode()
    assert "North Compliant" in html
    assert_accessible(html, "findings")
    assert "North Compliant" not in client_for("outsider").get(reverse("compliance:findings")).content.decode()


def test_the_policy_coverage_page_names_every_clause(district, client_for):
    html = client_for("teacher").get(reverse("compliance:coverage")).content.decode()
    assert_accessible(html, "coverage")
    for requirement in ("R-DEF-A", "R-III-A", "R-III-E", "R-III-H", "R-IV-B", "R-V-B", "R-V-C", "R-V-D"):
        assert requirement in html


@pytest.mark.worker
@pytest.mark.skipif(not __import__("os").environ.get("REDIS_URL"),
                    reason="needs REDIS_URL: a real worker runs on Redis (CI)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_r_v_d_the_nightly_audit_runs_through_a_real_worker(district):
    """The task as beat sends it, twice at once: through Redis to a real worker. One run
    does the work; the other finds it running (or done) and opens nothing more."""
    from celery.contrib.testing.worker import start_worker

    from mps_social.celery import app as celery_app

    account = compliant(district)
    OfficialAccount.objects.filter(pk=account.pk).update(rotation_due=True, rotation_due_reason="Revealed.")
    import time

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            for _ in range(2):
                run_audit.apply_async()
            # Results are not stored (task_ignore_result): the database says when both ran.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and (
                    AuditRun.objects.filter(status=AuditRun.Status.RUNNING).exists()
                    or not AuditRun.objects.filter(status=AuditRun.Status.FINISHED).exists()):
                time.sleep(0.1)
            time.sleep(0.5)  # let the second delivery finish too
    finally:
        celery_app.conf.task_always_eager = True
    assert not AuditRun.objects.filter(status=AuditRun.Status.RUNNING).exists()
    assert AuditRun.objects.filter(status=AuditRun.Status.FINISHED).count() >= 1
    assert Finding.objects.filter(account=account, check_slug="rotation").count() == 1


def failing_accounts(district):
    """``grow(count)``: that many more active North High accounts due for rotation, then an
    audit, for the pages' constant-query tests."""
    platform = Platform.objects.get(slug="instagram")
    made = [0]

    def grow(count):
        OfficialAccount.objects.bulk_create([
            OfficialAccount(platform=platform, org_unit=district.north, display_name=f"Grow {made[0] + n}",
                            handle=f"grow_{made[0] + n}", handle_key=f"grow_{made[0] + n}",
                            origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent,
                            status=OfficialAccount.Status.ACTIVE, rotation_due=True)
            for n in range(count)])
        made[0] += count
        audit()

    return grow


def test_the_findings_and_the_dashboard_cost_the_same_at_any_size(district, client_for):
    """Findings and the dashboard: constant queries at 10 and 200 failing accounts."""
    from .queries import assert_constant_queries

    grow = failing_accounts(district)

    client = client_for("superintendent")
    assert_constant_queries(client, reverse("compliance:findings"), grow, small=10, large=200)
    assert_constant_queries(client, reverse("compliance:dashboard"), grow, small=10, large=200)


def test_next_on_a_filtered_findings_list_keeps_the_filter(district, client_for):
    """R-V-D: "Next" keeps the check and the state asked for (templates/includes/pagination.html),
    and so does the CSV download."""
    account = compliant(district)
    now = timezone.now()
    Finding.objects.bulk_create(
        [Finding(check_slug="review", account=account, detail=f"Old {n}", opened_at=now - timedelta(days=n),
                 closed_at=now) for n in range(1, 31)]
        + [Finding(check_slug="escrowed", account=account, detail="Other", opened_at=now, closed_at=now)])
    client = client_for("superintendent")
    response = client.get(reverse("compliance:findings") + "?check=review&state=closed")
    assert len(response.context["page"].object_list) == 25
    assert b'href="?check=review&amp;state=closed&amp;page=2" rel="next"' in response.content
    assert b'href="?check=review&amp;state=closed&amp;format=csv"' in response.content
    second = client.get(reverse("compliance:findings") + "?check=review&state=closed&page=2")
    assert [finding.detail for finding in second.context["page"].object_list] == [f"Old {n}" for n in range(26, 31)]
    assert b'href="?check=review&amp;state=closed&amp;page=1" rel="prev"' in second.content
    # Without a state, the open ones: none here.
    assert not client.get(reverse("compliance:findings") + "?check=review").context["page"].object_list
    assert_accessible(response.content.decode(), "findings")


def test_r_iii_a_the_name_index_finds_what_trying_every_spelling_finds(district):
    """The protected-name check searches through ``NameIndex`` (a district protects every
    school's name, mascot and teams); it must find exactly what trying every spelling of
    every name in every text finds."""
    from accounts.rules import NameIndex, fold, name_keys

    words = ["Roosevelt", "High School", "Eagles", "Saint", "Paul", "Mount", "Olive", "Athletics", "and", "Arts"]
    generator = random.Random(4038)
    names = ProtectedName.objects.bulk_create([
        ProtectedName(name=" ".join(generator.sample(words, generator.randint(1, 3))) + f" {n}",
                      kind=ProtectedName.Kind.MASCOT, owner=district.south)
        for n in range(300)
    ])
    index = NameIndex(names)
    for _ in range(300):
        text = fold(" ".join(generator.choices(words + ["x", "9", "12", "st", "hs"], k=generator.randint(1, 6))))
        brute = {name.pk for name in names if any(key in text for key in name_keys(name.name))}
        assert {name.pk for name in index.names_in(text)} == brute, text
    assert not NameIndex([]) and NameIndex(names)


def test_r_v_d_a_night_that_changes_nothing_commits_its_checks_together(district):
    """The checks that open or close no finding wait to commit with the next that does,
    or with the run's last transaction: a quiet night is one transaction for its eight
    results and the run's end, not nine (bench.district measured 7.7x the raw SQL floor)."""
    account = compliant(district)
    OfficialAccount.objects.filter(pk=account.pk).update(rotation_due=True, rotation_due_reason="Revealed.")
    first = audit()
    assert first.findings_opened == 1

    run = runs.start_run(actor=None)
    with CaptureQueriesContext(connection) as captured:
        runs.execute(run)

    transactions = [query["sql"] for query in captured if query["sql"].startswith("SAVEPOINT")]
    assert run.checks_done == run.checks_total == 8 and run.findings_opened == run.findings_closed == 0
    assert len(transactions) == 1, "the eight results with the run's end"
    assert open_findings(account) == ["rotation"]


def test_r_v_d_a_review_due_today_is_not_overdue_in_the_districts_evening(district):
    """§V.D: a review due today is overdue tomorrow, by the district's calendar. At 8 p.m. in
    Chicago it is already tomorrow in UTC; the check goes by the district's day."""
    account = compliant(district)
    evening = timezone.make_aware(datetime(2026, 11, 24, 20, 0)).astimezone(UTC)  # as timezone.now() gives it
    assert evening.date() > timezone.localdate(evening)
    OfficialAccount.objects.filter(pk=account.pk).update(next_review_due=timezone.localdate(evening))
    runs.execute(runs.start_run(actor=None), now=evening)
    assert open_findings(account) == []
    runs.execute(runs.start_run(actor=None), now=evening + timedelta(hours=5))  # 1 a.m. the next day
    assert open_findings(account) == ["review"]


def test_r_v_d_the_checks_are_compiled_once_and_each_run_binds_its_own_day(district, monkeypatch, settings):
    """The checks' statements are compiled once per process (``compliance.checks._compile``);
    each run binds its own day (the review, §V.D) and instant (the escrow's age, §III.E),
    and a new age limit compiles the finding's detail anew."""
    from compliance import checks

    account = compliant(district)
    escrowed_at = CredentialVersion.objects.get(account=account).created_at
    OfficialAccount.objects.filter(pk=account.pk).update(next_review_due=timezone.localdate(escrowed_at)
                                                         + timedelta(days=30))
    compiled = []
    monkeypatch.setattr(checks, "_compiled", {})
    monkeypatch.setattr(checks, "_compile", lambda real=checks._compile: compiled.append(1) or real())

    def findings_at(days_later):
        runs.execute(runs.start_run(actor=None), now=escrowed_at + timedelta(days=days_later))
        return dict(Finding.objects.filter(account=account, closed_at__isnull=True).values_list("check_slug", "detail"))

    assert findings_at(29) == {}
    assert findings_at(31) == {"review": "The annual review is overdue."}
    assert findings_at(181) == {"review": "The annual review is overdue.",
                                "escrow_age": "The escrowed credentials are older than 180 days."}
    assert len(compiled) == 1
    settings.ESCROW_MAX_AGE_DAYS = 365
    assert findings_at(182) == {"review": "The annual review is overdue."}
    assert findings_at(366) == {"review": "The annual review is overdue.",
                                "escrow_age": "The escrowed credentials are older than 365 days."}
    assert len(compiled) == 2


def test_r_v_d_a_designee_overseeing_one_school_sees_that_school_alone(district, client):
    """Overseeing compliance over North High: its accounts' shares and findings, no other
    school's, and none of the runs, which check the whole district (R-V-D)."""
    north = compliant(district)
    compliant(district, handle="north_two")
    south = compliant(district, handle="south_one", unit=district.south, site_manager=district.outsider)
    OfficialAccount.objects.filter(pk__in=[north.pk, south.pk]).update(rotation_due=True,
                                                                      rotation_due_reason="Revealed.")
    audit()
    overseer = DelegationFactory(grantee=district.coach, scope=district.north, decide_applications=False,
                                 oversee_compliance=True).grantee
    client.force_login(overseer, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("compliance:dashboard")).content.decode()
    assert_accessible(html, "dashboard of one school")
    # Two North High accounts, one due for rotation: 50%, where the district's is 1 in 3.
    assert 'value="0.5"' in html and "of 2 comply" in html and "33%" not in html
    assert "Run the audit now" not in html and "Recent runs" not in html
    assert client.post(reverse("compliance:start")).status_code == 403
    run = AuditRun.objects.get()
    assert client.get(reverse("compliance:run", args=[run.pk])).status_code == 403
    listed = client.get(reverse("compliance:findings")).content.decode()
    assert "North Compliant" in listed and "south_one" not in listed
    [south_finding] = Finding.objects.filter(account=south)
    assert client.get(reverse("compliance:finding", args=[south_finding.pk])).status_code == 404


def test_r_v_d_a_designee_without_oversight_has_no_compliance_pages(district, client):
    decider = DelegationFactory(grantee=district.coach, scope=district.district).grantee
    client.force_login(decider, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("compliance:dashboard")).status_code == 403
    assert client.get(reverse("audits:trail")).status_code == 403


def test_r_v_d_the_scoped_dashboard_costs_the_same_at_any_size(district, client):
    from .queries import assert_constant_queries

    grow = failing_accounts(district)

    overseer = DelegationFactory(grantee=district.coach, scope=district.north, decide_applications=False,
                                 oversee_compliance=True).grantee
    client.force_login(overseer, backend="django.contrib.auth.backends.ModelBackend")
    assert_constant_queries(client, reverse("compliance:dashboard"), grow, small=10, large=200)
