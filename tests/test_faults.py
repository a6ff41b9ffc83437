"""Faults (issue [hardening] §5): what the portal does when a part of it fails.

Each fault is real, not a mock: a Redis started for the test on a port of its own and
stopped; a separate ``celery worker`` process killed with SIGKILL; two schedulers
running the nightly jobs at the same moment on PostgreSQL; a database connection to a port
where nothing listens (PostgreSQL) or a file that cannot be opened (SQLite). The
machine's redis-server is used (CI installs it). Where a task must be caught half-way,
the test holds a real lock the task needs (a row inserted and not yet committed, which
another insert of the same unique key waits for on PostgreSQL, or a table lock), so the
kill or the race lands at a known point, without a hook in the product.

The tests that need a second process or a second writer on the test database run on
PostgreSQL (CI's second pass): SQLite's test database lives in the test process's memory,
and its writers queue instead of racing.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as registry
from accounts.models import OfficialAccount, Platform
from approvals.models import Application
from audits.models import AuditEvent
from compliance.models import AuditRun, CheckResult, Finding
from compliance.tasks import run_audit
from credentials.models import CredentialVersion
from notifications.models import OutboxMessage
from notifications.services import enqueue
from notifications.tasks import deliver_outbox
from training import selectors as training_selectors
from training.models import Completion, Course, Reminder
from training.tasks import send_reminders

from .factories import UserFactory
from .test_approval_pages import post_form
from .test_compliance import compliant
from .test_escrow import CANARY, escrowed, reauthenticated, reveals

REDIS = shutil.which("redis-server")
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
NEEDS_REDIS = pytest.mark.skipif(REDIS is None, reason="needs redis-server on this machine (CI installs it)")
NEEDS_POSTGRESQL = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="needs PostgreSQL (CI's second pass): a second process or writer must share the test "
                              "database, which SQLite keeps in the test process's memory")
BASE_DIR = Path(settings.BASE_DIR)


# --- helpers ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until(condition, seconds: float, failure) -> None:
    """Poll ``condition`` every 50 ms until it holds; fail with ``failure()`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(failure())
        time.sleep(0.05)


def _start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@contextmanager
def _throwaway_redis():
    """A redis-server of the test's own: its broker URL. Gone afterwards, with whatever a
    killed worker left unacknowledged in it."""
    port = _free_port()
    redis = _start_redis(port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        redis.terminate()
        redis.wait(timeout=10)


# The portal's own Celery app and settings in a worker of its own, with the production
# pool (prefork, here one child). The broker gives an unacknowledged task back two seconds
# after a worker took it (production: an hour), and a worker looks for such tasks every
# second, so a lost worker's task is redelivered within the test's time.
WORKER = """
import sys
from mps_social.celery import app
app.conf.broker_transport_options = {"visibility_timeout": 2, "unacked_restore_interval": 1,
                                     "unacked_restore_throttle": 1}
app.worker_main(["worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO", "--hostname",
                 sys.argv[1] + "@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"])
"""


@contextmanager
def _celery_worker(name: str, log: Path, *, broker_url: str, database_url: str):
    """A real ``celery worker`` on ``broker_url`` and ``database_url``, once ready: its
    main process, leader of a process group that holds its pool's child too."""
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": broker_url}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-c", WORKER, name], cwd=BASE_DIR, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _until(lambda: " ready." in log.read_text() or process.poll() is not None, 40,
               lambda: f"worker {name} did not start:\n{log.read_text()[-3000:]}")
        assert process.poll() is None, f"worker {name} stopped:\n{log.read_text()[-3000:]}"
        yield process
    finally:
        _kill_worker(process)


def _kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL to the worker's process group: the main process and its pool's child die
    at once, as when a machine or container is lost; nothing is acknowledged on the way."""
    if process.returncode is None:  # not reaped yet: the group id is still the worker's
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _send_as_beat(broker_url: str, task_name: str) -> str:
    """Publish ``task_name`` the way beat does (a message, no arguments); its id."""
    from celery import Celery

    beat = Celery("beat", broker=broker_url, set_as_current=False)
    try:
        return beat.send_task(task_name).id
    finally:
        beat.close()


def _test_database_url() -> str:
    """The test database as a URL, for the worker processes."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _other_sessions(where: str = "") -> int:
    """Other connections to the test database (PostgreSQL), optionally only those ``where``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       f"AND backend_type = 'client backend' AND pid <> pg_backend_pid() {where}")
        return cursor.fetchone()[0]


def _waiting_on_a_lock() -> int:
    return _other_sessions("AND wait_event_type = 'Lock'")


@contextmanager
def _held(work):
    """Run ``work`` in a transaction on a connection of its own (a thread) and keep that
    transaction open, uncommitted, until released (the yielded function, or the end of
    the block); then roll it back. What ``work`` wrote is a real lock meanwhile."""
    holding, release, failed = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                work()
                holding.set()
                release.wait(60)
                transaction.set_rollback(True)
        except BaseException as error:  # reported to the test below
            failed.append(error)
        finally:
            holding.set()
            connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert holding.wait(20) and not failed, failed or "the lock was not taken within 20 s"
    try:
        yield release.set
    finally:
        release.set()
        thread.join(30)


def _site_managers_with_training_due(district, count: int, *, expired: int = 0) -> list:
    """``count`` employees, each the site manager of an account (pending setup), whose
    required training expires in 10 to 10 + ``count`` days (the 30-day reminder), the first
    ``expired`` of them two days ago instead (the reminder copies their supervisor). The
    completions are written in one insert, as facts the jobs find."""
    instagram = Platform.objects.get(slug="instagram")
    people = [UserFactory(org_unit=district.north, supervisor=district.principal) for _ in range(count)]
    for n, person in enumerate(people):  # named before the course existed (R-V-C would refuse it after)
        registry.establish_account(
            actor=district.superintendent, platform=instagram, org_unit=district.north, display_name=f"North {n}",
            handle=f"north_{n}", site_manager=person, origin=OfficialAccount.Origin.DIRECT, reason="For the test.")
    course = Course.objects.create(slug="sm-training", title="Site manager training", material="Read this.",
                                   validity_months=12, for_site_managers=True)
    today = timezone.localdate()
    completions = []
    for n, person in enumerate(people):
        expires_on = today - timedelta(days=2) if n < expired else today + timedelta(days=10 + n)
        completions.append(Completion(user=person, course=course, completed_on=registry.add_months(expires_on, -12),
                                      expires_on=expires_on, method=Completion.Method.ADMIN))
    Completion.objects.bulk_create(completions)
    return people


def _duplicates(queryset, *fields) -> dict:
    """Rows sharing ``fields``, with how many: empty when each is there once."""
    rows = queryset.values(*fields).annotate(n=Count("pk")).filter(n__gt=1)
    return {tuple(row[field] for field in fields): row["n"] for row in rows}


# --- Redis down ------------------------------------------------------------------------


@pytest.mark.worker
@NEEDS_REDIS
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fault_redis_down_an_application_is_sent_and_its_1_mail_delivered_once_redis_is_back(district, client_for):
    """Redis is down while the teacher sends an application: the application is saved
    and its mail waits in the outbox; once Redis is back, a worker delivers it, once."""
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    from mps_social.celery import app as portal_app

    port = _free_port()
    app = Celery("faults", set_as_current=True)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    app.conf.task_always_eager = False
    app.autodiscover_tasks(force=True)
    redis = None
    try:
        started = time.monotonic()
        response = client_for("teacher").post(reverse("approvals:new"), {**post_form(district), "action": "submit"})
        took = time.monotonic() - started
        assert response.status_code == 302, "the application goes through with the broker down"
        assert Application.objects.get().status == Application.Status.SUBMITTED
        waiting = OutboxMessage.objects.get(template="application_update")
        assert waiting.status == OutboxMessage.Status.PENDING and not mail.outbox
        assert took < 10, f"sending took {took:.1f} s with the broker down"

        redis = _start_redis(port)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            app.send_task("notifications.deliver_outbox")  # what beat sends every minute
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and OutboxMessage.objects.filter(status="pending").exists():
                time.sleep(0.1)
        waiting.refresh_from_db()
        assert waiting.status == OutboxMessage.Status.SENT
        assert [message.to for message in mail.outbox] == [["principal@example.org"]]
    finally:
        portal_app.set_current()
        portal_app.set_default()  # start_worker made the throwaway app every thread's default
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)


# --- a worker killed mid-task ------------------------------------------------------------


def _kill_mid_task(tmp_path: Path, task_name: str, *, hold, measure):
    """Beat sends ``task_name``; a first worker takes it and is killed (SIGKILL) while the
    task waits on the lock ``hold`` takes, half done; the lock goes; a second worker gets
    the same task again from the broker (late acknowledgment) and runs it to the end.
    Returns what ``measure()`` found at the kill, the two workers' logs and the task's id."""
    database_url = _test_database_url()
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    try:
        with _throwaway_redis() as broker_url:
            with _held(hold) as release:
                with _celery_worker("first", first_log, broker_url=broker_url, database_url=database_url) as first:
                    task_id = _send_as_beat(broker_url, task_name)
                    _until(lambda: _waiting_on_a_lock() == 1, 30,
                           lambda: f"the task never reached the lock:\n{first_log.read_text()[-3000:]}")
                    at_kill = measure()
                    _kill_worker(first)
                release()
            with _celery_worker("second", second_log, broker_url=broker_url, database_url=database_url):
                _until(lambda: f"Task {task_name}[{task_id}] succeeded" in second_log.read_text(), 30,
                       lambda: f"the task was not redelivered:\n{second_log.read_text()[-3000:]}")
    finally:
        _let_sessions_end()
    return at_kill, first_log.read_text(), second_log.read_text(), task_id


def _let_sessions_end(seconds: float = 20) -> None:
    """Wait for the database sessions of killed or stopped workers to end, so the test's
    closing flush does not queue behind them (best effort: the test has its verdict)."""
    deadline = time.monotonic() + seconds
    while _other_sessions() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.worker
@NEEDS_REDIS
@NEEDS_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fault_worker_killed_after_2_of_3_reminders_the_redelivered_task_sends_the_3rd_and_none_twice(
        district, tmp_path):
    """R-V-C. A worker is killed while the daily reminders task is half done: two of three
    reminders are committed and the third waits on a lock. The task was not acknowledged
    (``CELERY_TASK_ACKS_LATE``), so the broker gives it to a second worker, which sends the
    third and skips the two already sent (the ``Reminder`` key): three reminders, three
    mails, none twice."""
    people = _site_managers_with_training_due(district, 3)
    owed = training_selectors.due_reminders()
    last = owed[-1]  # the task sends in this order: catch it at the last one

    def hold():
        Reminder.objects.create(user=last.completion.user, course=last.completion.course,
                                cycle=last.completion.expires_on, threshold=last.threshold)

    sent_at_kill, first, second, task_id = _kill_mid_task(
        tmp_path, "training.send_reminders", hold=hold, measure=Reminder.objects.count)

    assert [due.threshold for due in owed] == ["30"] * 3 and sent_at_kill == 2
    assert f"Task training.send_reminders[{task_id}] received" in first, "the first worker had the task"
    assert re.search(rf"Task training\.send_reminders\[{task_id}\] succeeded in [\d.]+s: 1\n", second), \
        "the second worker got the same task again and sent the one reminder left"
    assert Reminder.objects.count() == 3 and not _duplicates(Reminder.objects, "user", "course", "cycle", "threshold")
    reminders = OutboxMessage.objects.filter(template="training_reminder")
    assert sorted(reminders.values_list("recipient", flat=True)) == sorted(person.pk for person in people)
    assert not _duplicates(reminders, "key")


@pytest.mark.worker
@NEEDS_REDIS
@NEEDS_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fault_worker_killed_after_3_of_8_audit_checks_the_redelivered_task_finishes_the_run_2_findings_once(
        district, tmp_path):
    """R-V-D. A worker is killed in the nightly audit while the fifth of its eight checks
    waits on a lock. The first three are committed (the two that changed nothing with the
    third, which opened a finding); the fourth, which changes nothing, waits to commit with
    the fifth. The redelivered task finishes the same run from the fourth check: one run,
    eight check results, each of the two findings once, the run's end recorded once."""
    account = compliant(district)
    CredentialVersion.objects.filter(account=account).update(replaced_at=timezone.now())  # fails the 3rd check
    OfficialAccount.objects.filter(pk=account.pk).update(rotation_due=True, rotation_due_reason="Revealed.")  # 5th

    def hold():
        Finding.objects.create(check_slug="rotation", account=account, opened_at=timezone.now())

    def checks_done():
        return list(CheckResult.objects.order_by("pk").values_list("check_slug", flat=True))

    at_kill, first, second, task_id = _kill_mid_task(tmp_path, "compliance.run_audit", hold=hold, measure=checks_done)

    assert at_kill == ["site_manager", "training", "escrowed"]
    assert f"Task compliance.run_audit[{task_id}] received" in first
    run = AuditRun.objects.get()
    assert re.search(rf"Task compliance\.run_audit\[{task_id}\] succeeded in [\d.]+s: {run.pk}\n", second)
    assert run.status == AuditRun.Status.FINISHED and run.checks_done == run.checks_total == len(checks_done()) == 8
    assert sorted(Finding.objects.values_list("check_slug", "account")) == [("escrowed", account.pk),
                                                                          ("rotation", account.pk)]
    assert run.findings_opened == 2
    assert AuditEvent.objects.filter(verb="audit.finished").count() == 1
    assert not _duplicates(OutboxMessage.objects.filter(template="finding_opened"), "key")


# --- two beat schedulers at once ---------------------------------------------------------


@NEEDS_POSTGRESQL
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fault_two_beat_schedulers_at_once_16_reminder_mails_1_audit_run_28_findings_each_once(district):
    """R-V-C, R-V-D. Two schedulers send the daily reminders and the nightly audit at the
    same moment: four tasks, each in its own connection, held at a table lock until all
    four wait on it, then let go together. Twelve reminders (four copying the supervisor:
    sixteen mails) are each sent once; one audit run does the work and the other task
    finds it running; its 28 findings are each open once (12 accounts without escrowed
    credentials or a review date, 4 site managers with expired training), and an audit run
    afterwards finds nothing the race missed. Every mail is delivered once."""
    _site_managers_with_training_due(district, 12, expired=4)
    OfficialAccount.objects.update(status=OfficialAccount.Status.ACTIVE)  # audited; no credentials escrowed
    results = {}

    def scheduler(name, task):
        try:
            results[name] = task.apply()
        finally:
            connection.close()

    def lock():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Reminder._meta.db_table}, {AuditRun._meta.db_table} IN ACCESS EXCLUSIVE MODE")

    threads = [threading.Thread(target=scheduler, args=(f"{job} {n}", task))
               for n in (1, 2) for job, task in (("reminders", send_reminders), ("audit", run_audit))]
    with _held(lock) as release:
        for thread in threads:
            thread.start()
        _until(lambda: _waiting_on_a_lock() == 4, 30, lambda: f"{_waiting_on_a_lock()} of 4 tasks reached the lock")
        release()
    for thread in threads:
        thread.join(60)

    assert all(result.successful() for result in results.values()), results
    assert results["reminders 1"].result + results["reminders 2"].result == 12, "each sent by one of the two"
    assert Reminder.objects.count() == 12
    reminders = OutboxMessage.objects.filter(template="training_reminder")
    assert reminders.count() == 16 and not _duplicates(reminders, "key")

    run = AuditRun.objects.get()
    assert results["audit 1"].result == results["audit 2"].result == run.pk
    assert run.status == AuditRun.Status.FINISHED and CheckResult.objects.filter(run=run).count() == run.checks_total
    assert not _duplicates(Finding.objects.filter(closed_at=None), "check_slug", "account")
    assert Counter(Finding.objects.values_list("check_slug", flat=True)) == {"escrowed": 12, "review": 12,
                                                                             "training": 4}
    again = AuditRun.objects.get(pk=run_audit())
    assert (again.findings_opened, again.findings_closed) == (0, 0), "the race missed nothing"

    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()
    assert len(mail.outbox) == OutboxMessage.objects.count(), "each mail delivered once"


# --- the audit event of a reveal cannot be written --------------------------------------------


@contextmanager
def _audit_trail_refusing_writes():
    """The database refuses every new audit event (a trigger on the events table), as it
    would when full or when the application's grant on the table is gone."""
    table = AuditEvent._meta.db_table
    if connection.vendor == "postgresql":
        create = [
            "CREATE FUNCTION fault_refuse_event() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the audit trail is unavailable'; END $$",
            f"CREATE TRIGGER fault_refuse_event BEFORE INSERT ON {table} FOR EACH ROW "
            "EXECUTE FUNCTION fault_refuse_event()",
        ]
        drop = [f"DROP TRIGGER fault_refuse_event ON {table}", "DROP FUNCTION fault_refuse_event()"]
    else:
        create = [f"CREATE TRIGGER fault_refuse_event BEFORE INSERT ON {table} "
                  "BEGIN SELECT RAISE(ABORT, 'the audit trail is unavailable'); END"]
        drop = ["DROP TRIGGER fault_refuse_event"]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)


def test_fault_the_reveal_event_cannot_be_written_0_secrets_shown_0_reveals_recorded(district, client_for, settings):
    """R-III-E. The principal asks to reveal an account's log-in while the database
    refuses audit events: the answer is the error page with no secret on it, and nothing
    is revealed, recorded or told, nor does a rotation fall due. The same reveal goes
    through once events can be written again."""
    settings.ESCROW_REQUIRE_MFA = False
    account = escrowed(district)
    client = reauthenticated(client_for("principal"), district.principal)
    client.raise_request_exception = False
    url, form = reverse("credentials:reveal", args=[account.pk]), {"reason_kind": "post", "reason": "Snow day."}
    events, mails = AuditEvent.objects.count(), OutboxMessage.objects.count()
    with _audit_trail_refusing_writes():
        refused = client.post(url, form)
    account.refresh_from_db()
    assert refused.status_code == 500 and CANARY not in refused.content.decode()
    assert (AuditEvent.objects.count(), OutboxMessage.objects.count()) == (events, mails)
    assert not account.rotation_due
    revealed = client.post(url, form)
    assert CANARY in revealed.content.decode() and reveals(account) == 1


# --- the database unreachable ------------------------------------------------------------


@contextmanager
def _database_unreachable(tmp_path: Path):
    """From here on, this thread's database connection goes where no database answers:
    a port nothing listens on (PostgreSQL) or a file in a folder that does not exist
    (SQLite). The real connection, and the test's transaction on it, come back after."""
    real = connections[DEFAULT_DB_ALIAS]
    params = dict(real.settings_dict)
    if real.vendor == "postgresql":
        params.update(HOST="127.0.0.1", PORT=str(_free_port()))
    else:
        params.update(NAME=str(tmp_path / "no-such-folder" / "mps_social.sqlite3"))
    unreachable = real.__class__(params, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = unreachable
    try:
        yield params
    finally:
        unreachable.close()
        connections[DEFAULT_DB_ALIAS] = real


def test_fault_database_unreachable_5_pages_answer_503_in_the_layout_and_healthz_503(district, client_for, tmp_path):
    """Public pages and a signed-in person's (whose session is in the unreachable
    database) answer 503 with ``Retry-After`` and a plain message in the portal's layout:
    no trace, no error name, nothing of the database's address or the settings."""
    signed_in = client_for("teacher")
    signed_in.raise_request_exception = False
    visitor = Client(raise_request_exception=False)
    pages = [(visitor, reverse("directory")), (visitor, reverse("verify") + "?q=%40north_robotics"),
             (signed_in, reverse("home")), (signed_in, reverse("training:mine")), (signed_in, reverse("approvals:mine"))]
    with _database_unreachable(tmp_path) as params:
        started = time.monotonic()
        answers = [(path, client.get(path)) for client, path in pages]
        took = time.monotonic() - started
        health = visitor.get(reverse("healthz"))
    secrets = [value for value in (params["NAME"], params["PORT"], params["PASSWORD"], settings.SECRET_KEY) if value]
    for path, response in answers:
        body = response.content.decode()
        assert (path, response.status_code, response["Retry-After"]) == (path, 503, "60")
        assert 'class="site-header"' in body and 'class="site-footer"' in body, "in the portal's layout"
        assert "The portal is temporarily unavailable" in body
        for leak in ("Traceback", "OperationalError", "Error", *secrets):
            assert leak not in body, f"{path} shows {leak!r}"
    assert took < 5, f"{len(pages)} pages took {took:.1f} s with the database down"
    assert health.status_code == 503
    assert health.json()["status"] == "unavailable" and health.json()["database"]["ok"] is False


def test_fault_database_unreachable_3_outbox_sweeps_fail_cleanly_then_the_1_mail_is_delivered_once(
        district, tmp_path, caplog):
    """The outbox sweep (every minute from beat) finds the database gone: it stops with
    one warning and no error, three times; the mail waits in its row and the first sweep
    after the database is back delivers it, once."""
    with transaction.atomic():
        enqueue(to=district.teacher.email, recipient=district.teacher, template="test",
                subject="Waiting out the outage", body_text="Hello.")
    with _database_unreachable(tmp_path):
        sweeps = [deliver_outbox.apply() for _ in range(3)]
    assert [(sweep.status, sweep.result) for sweep in sweeps] == [("SUCCESS", 0)] * 3
    warnings = [record for record in caplog.records if "the database is unreachable" in record.getMessage()]
    assert len(warnings) == 3 and all(record.exc_info is None for record in warnings)
    assert not mail.outbox
    assert deliver_outbox.apply().result == 1
    assert deliver_outbox.apply().result == 0
    assert [message.subject for message in mail.outbox] == ["Waiting out the outage"]


@pytest.mark.worker
@NEEDS_REDIS
def test_fault_database_unreachable_a_real_worker_takes_4_tasks_once_each_and_keeps_running(tmp_path):
    """A worker whose database is unreachable: the reminders task fails (logged) and is
    not delivered again, three outbox sweeps stop cleanly, the worker keeps running, and
    nothing is left in the broker to loop on."""
    import redis

    if ON_POSTGRESQL:
        database_url = f"postgres://postgres@127.0.0.1:{_free_port()}/mps_social"
    else:
        database_url = f"sqlite:///{tmp_path / 'no-such-folder' / 'mps_social.sqlite3'}"
    log = tmp_path / "worker.log"
    with _throwaway_redis() as broker_url:
        with _celery_worker("nodb", log, broker_url=broker_url, database_url=database_url) as worker:
            sent = [("training.send_reminders", _send_as_beat(broker_url, "training.send_reminders"))]
            sent += [("notifications.deliver_outbox", _send_as_beat(broker_url, "notifications.deliver_outbox"))
                     for _ in range(3)]
            ended = re.compile(r"Task ([\w.]+)\[([0-9a-f-]+)\] (succeeded|raised)")
            _until(lambda: len(ended.findall(log.read_text())) >= 4, 30,
                   lambda: f"the worker did not finish the 4 tasks:\n{log.read_text()[-3000:]}")
            assert worker.poll() is None, "the worker is still running"
            broker = redis.Redis.from_url(broker_url)
            left = (broker.llen("celery"), broker.hlen("unacked"))
            broker.close()
    text = log.read_text()
    outcomes = {task_id: (name, outcome) for name, task_id, outcome in ended.findall(text)}
    assert outcomes == {task_id: (name, "raised" if name == "training.send_reminders" else "succeeded")
                        for name, task_id in sent}
    assert Counter(re.findall(r"Task ([\w.]+)\[[0-9a-f-]+\] received", text)) == {
        "training.send_reminders": 1, "notifications.deliver_outbox": 3}
    assert text.count("Outbox not swept: the database is unreachable") == 3
    assert left == (0, 0), "nothing waits in the broker to be delivered again"
