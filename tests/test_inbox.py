"""The inbox (issue #22, part 2): every message the outbox sends a person is also in their
inbox, with the same words and a link to what it is about; each person chooses, per kind,
mail at once, a daily digest or the portal only, and the kinds Policy 4038 makes mandatory
(R-III-E: a reveal of your account's credentials) are never silenced."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from audits.models import AuditEvent
from notifications import inbox, kinds, services
from notifications.models import InboxEntry, OutboxMessage, Preference
from people import services as people

from .a11y import assert_accessible
from .queries import assert_constant_queries, queries_for
from .test_escrow import escrowed, pending, reveal

Status = OutboxMessage.Status
Delivery = Preference.Delivery
EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"


def choose(person, **choices):
    inbox.choose_delivery(person=person, choices=choices)


def mailed_to(address) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def entries_for(person):
    return InboxEntry.objects.filter(recipient=person)


def grow(person, count, *, start=[0]):
    """``count`` more messages to ``person``, one insert (``notify_many``)."""
    with transaction.atomic():
        services.notify_many(
            (person, "delegation_revoked", {"delegation": None}, f"grow:{person.pk}:{start[0] + n}", "/")
            for n in range(count))
    start[0] += count


# --- every message is in the inbox, in the same words ----------------------------------


def test_every_message_to_a_person_is_in_their_inbox_with_the_same_words(district):
    account = escrowed(district)  # "account established" to the teacher, its site manager
    reveal(district.superintendent, account)  # R-III-E: the site manager is told
    people.appoint_superintendent(actor=district.admin, appointee=district.designee, reason="The board's vote.")
    Client().post("/accounts/password/reset/", {"email": "principal@example.org"})
    messages = OutboxMessage.objects.filter(recipient__isnull=False).select_related("entry")
    assert {m.template for m in messages} >= {"account_established", "credentials_revealed",
                                              "superintendent_appointed", "password_reset_key"}
    for message in messages:
        entry = message.entry
        assert entry.recipient_id == message.recipient_id and entry.subject == message.subject
        if not message.sensitive:
            assert entry.body_text == message.body_text and entry.read_at is None
    assert InboxEntry.objects.count() == messages.count()
    established = InboxEntry.objects.get(message__template="account_established")
    assert established.link == account.get_absolute_url() and established.kind == "accounts"


def test_a_message_to_an_old_address_is_not_in_the_inbox(district):
    """The roster's notice of a changed email is for whoever reads the old address."""
    with transaction.atomic():
        message = services.notify(recipient=district.teacher, to="old.teacher@example.org",
                                  template="email_changed_from_roster",
                                  context={"person": district.teacher, "old": "old.teacher@example.org",
                                           "new": district.teacher.email})
    assert message.status == Status.PENDING and not entries_for(district.teacher).exists()


def test_sensitive_bodies_and_links_never_reach_the_inbox(district, client_for):
    """A password reset's one-time link stays in the mail; the entry says a mail was sent."""
    Client().post("/accounts/password/reset/", {"email": "teacher@example.org"})
    message = OutboxMessage.objects.get(to="teacher@example.org")
    entry = message.entry
    assert message.sensitive and "/accounts/password/reset/key/" in message.body_text
    assert entry.body_text == services.SENSITIVE_ENTRY and entry.link == ""
    assert message.status == Status.PENDING  # mandatory: mailed at once
    page = client_for("teacher").get("/inbox/").content.decode()
    assert "/accounts/password/reset/key/" not in page and "one-time link" in page


# --- kinds -------------------------------------------------------------------------------


def test_every_email_template_has_a_kind():
    """A new template must be classified in notifications/kinds.py, mandatory or not."""
    templates = sorted(path.name.removesuffix(".subject.txt") for path in EMAILS.glob("*.subject.txt"))
    assert len(templates) > 20
    assert [name for name in templates if not kinds.classified(name)] == []
    every = [template for kind in kinds.KINDS for template in kind.templates]
    assert len(every) == len(set(every)), "a template belongs to one kind only"


def test_r_iii_e_the_policy_s_notices_are_mandatory():
    for template in ("credentials_revealed", "credentials_access_granted", "password_reset_key",
                     "superintendent_appointed", "delegation_granted", "email_changed_from_roster"):
        assert kinds.kind_of(template).mandatory, template
    assert kinds.kind_of("a_template_nobody_classified").mandatory


# --- preferences --------------------------------------------------------------------------


def test_by_default_a_message_is_mailed_at_once(district):
    pending(district)
    assert OutboxMessage.objects.get(template="account_established").status == Status.PENDING
    services.deliver_pending()
    assert len(mailed_to("teacher@example.org")) == 1


def test_portal_only_writes_the_entry_and_mails_nothing(district):
    choose(district.teacher, accounts=Delivery.PORTAL)
    pending(district)
    message = OutboxMessage.objects.get(template="account_established")
    assert message.status == Status.NOT_MAILED and message.entry.recipient == district.teacher
    services.deliver_pending()
    assert mailed_to("teacher@example.org") == []


def test_a_daily_digest_holds_the_messages_and_sends_them_once_even_run_twice(district):
    choose(district.teacher, accounts=Delivery.DIGEST)
    pending(district, handle="first_account")
    pending(district, handle="second_account")
    held = OutboxMessage.objects.filter(template="account_established")
    assert {m.status for m in held} == {Status.HELD}
    services.deliver_pending()
    assert mailed_to("teacher@example.org") == []
    assert services.send_daily_digests() == 1
    assert services.send_daily_digests() == 0  # a second scheduler, or a second run, sends nothing more
    services.deliver_pending()
    [digest] = mailed_to("teacher@example.org")
    assert "2 messages" in digest.subject
    for message in held.select_related("digest"):
        assert message.status == Status.DIGESTED and message.digest.template == kinds.DIGEST_TEMPLATE
        assert message.subject in digest.body and message.body_text.strip() in digest.body
    assert InboxEntry.objects.filter(message__template=kinds.DIGEST_TEMPLATE).count() == 0


def test_what_is_held_after_today_s_digest_waits_for_tomorrow_s(district):
    choose(district.teacher, accounts=Delivery.DIGEST)
    pending(district, handle="first_account")
    assert services.send_daily_digests() == 1
    pending(district, handle="second_account")
    assert services.send_daily_digests() == 0
    assert OutboxMessage.objects.filter(status=Status.HELD).count() == 1


def test_notify_many_honours_each_person_s_choice(district):
    choose(district.teacher, applications=Delivery.PORTAL)
    choose(district.coach, applications=Delivery.DIGEST)
    items = [(person, "weekly_digest", {"today": None, "decisions": 0, "figures": {}, "open_findings": 0},
              f"weekly:{person.pk}", "/applications/decisions/")
             for person in (district.teacher, district.coach, district.principal)]
    with transaction.atomic():
        assert services.notify_many(items) == 3
        assert services.notify_many(items) == 0  # run twice: nothing twice
    statuses = dict(OutboxMessage.objects.values_list("recipient__email", "status"))
    assert statuses == {"teacher@example.org": Status.NOT_MAILED, "coach@example.org": Status.HELD,
                        "principal@example.org": Status.PENDING}
    assert set(InboxEntry.objects.values_list("link", flat=True)) == {"/applications/decisions/"}
    assert InboxEntry.objects.count() == 3


def test_r_iii_e_a_reveal_mails_the_site_manager_at_once_whatever_their_choices(district):
    account = escrowed(district)
    # Not offered, and refused by the service; a row forced into the database is not obeyed.
    with pytest.raises(inbox.InboxError):
        choose(district.teacher, credentials=Delivery.PORTAL)
    Preference.objects.create(person=district.teacher, kind="credentials", delivery=Delivery.PORTAL)
    reveal(district.superintendent, account)
    message = OutboxMessage.objects.get(template="credentials_revealed")
    assert message.status == Status.PENDING and message.entry.link == account.get_absolute_url()
    services.deliver_pending()
    assert any("revealed" in sent.subject.lower() for sent in mailed_to("teacher@example.org"))


def test_the_mandatory_ones_are_not_silenced_in_bulk_either(district):
    for person in (district.admin, district.designee):
        choose(person, **{kind.slug: Delivery.PORTAL for kind in kinds.CHOOSABLE})
    people.appoint_superintendent(actor=district.admin, appointee=district.designee, reason="The board's vote.")
    told = OutboxMessage.objects.filter(template="superintendent_appointed")
    assert told.count() >= 3 and {m.status for m in told} == {Status.PENDING}


# --- the pages -----------------------------------------------------------------------------


def test_the_inbox_shows_one_s_own_messages_and_the_header_counts_the_unread(district, client_for):
    pending(district)
    with transaction.atomic():
        services.enqueue(to=district.principal.email, recipient=district.principal, template="account_backup",
                         subject="Principal's own message", body_text="For the principal only.")
    client = client_for("teacher")
    page = client.get("/inbox/").content.decode()
    assert_accessible(page)
    assert "is established" in page and "Principal's own message" not in page
    home = client.get("/").content.decode()
    assert 'href="/inbox/">Inbox <span class="nav-count">1<span class="visually-hidden"> unread' in home


def test_someone_else_s_message_is_not_found(district, client_for):
    pending(district)
    entry = entries_for(district.teacher).get()
    for persona in ("principal", "superintendent", "admin"):
        assert client_for(persona).post(reverse("notifications:mark_read", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.read_at is None


def test_marking_one_read_and_opening_what_it_is_about(district, client_for):
    account = pending(district)
    entry = entries_for(district.teacher).get()
    client = client_for("teacher")
    response = client.post(reverse("notifications:mark_read", args=[entry.pk]), {"then": "open"})
    assert response.status_code == 302 and response["Location"] == account.get_absolute_url()
    entry.refresh_from_db()
    assert entry.read_at is not None
    assert AuditEvent.objects.filter(verb="inbox.read", target_id=str(entry.pk)).count() == 1
    client.post(reverse("notifications:mark_read", args=[entry.pk]))  # already read: no second event
    assert AuditEvent.objects.filter(verb="inbox.read").count() == 1
    assert "nav-count" not in client.get("/inbox/").content.decode()


def test_mark_all_read(district, client_for):
    grow(district.teacher, 3)
    grow(district.principal, 1)
    response = client_for("teacher").post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert not entries_for(district.teacher).filter(read_at__isnull=True).exists()
    assert entries_for(district.principal).filter(read_at__isnull=True).count() == 1
    assert AuditEvent.objects.get(verb="inbox.all_read").after == {"marked read": 3}


def test_unread_first_or_newest_first(district, client_for):
    grow(district.teacher, 2)
    first, second = entries_for(district.teacher).order_by("pk")
    inbox.mark_read(person=district.teacher, entry=second)
    client = client_for("teacher")
    newest = [entry.pk for entry in client.get("/inbox/").context["page"].object_list]
    unread_first = [entry.pk for entry in client.get("/inbox/?order=unread").context["page"].object_list]
    assert newest == [second.pk, first.pk] and unread_first == [first.pk, second.pk]


def test_the_inbox_costs_the_same_queries_at_two_sizes(district, client_for):
    client = client_for("teacher")
    assert_constant_queries(client, "/inbox/", lambda count: grow(district.teacher, count), small=5, large=60)


def test_the_header_s_count_is_one_query(district, client_for):
    client = client_for("teacher")
    client.get("/")
    before = queries_for(client, "/")
    grow(district.teacher, 30)
    assert queries_for(client, "/") == before


def test_the_settings_page_offers_the_choosable_kinds_and_names_the_mandatory(district, client_for):
    client = client_for("teacher")
    page = client.get("/inbox/settings/").content.decode()
    assert_accessible(page)
    assert page.count("<fieldset") == len(kinds.CHOOSABLE) and "<legend" in page
    for kind in kinds.MANDATORY:
        assert kind.label.replace("'", "&#x27;") in page and f'name="{kind.slug}"' not in page
    data = {kind.slug: Delivery.AT_ONCE for kind in kinds.CHOOSABLE}
    response = client.post("/inbox/settings/", {**data, "training": Delivery.DIGEST, "concerns": Delivery.PORTAL,
                                                 "credentials": Delivery.PORTAL})
    assert response.status_code == 302
    assert dict(Preference.objects.filter(person=district.teacher).values_list("kind", "delivery")) == {
        "training": Delivery.DIGEST, "concerns": Delivery.PORTAL}
    event = AuditEvent.objects.get(verb="inbox.choices_changed")
    assert event.after == {"training": Delivery.DIGEST, "concerns": Delivery.PORTAL}


def test_a_bad_choice_comes_back_beside_its_field_with_the_rest_kept(district, client_for):
    data = {kind.slug: Delivery.DIGEST for kind in kinds.CHOOSABLE}
    response = client_for("teacher").post("/inbox/settings/", {**data, "training": "never"})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["training"] and form["concerns"].value() == Delivery.DIGEST
    assert not Preference.objects.exists()

