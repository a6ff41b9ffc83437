"""The registry: establishing accounts, their lifecycle, site managers, annual review,
and the staff pages (R-III-A, R-III-B, R-III-E, R-V-D)."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from zeal import zeal_ignore

from accounts import selectors, services
from accounts.models import Designation, OfficialAccount, Platform
from audits.models import AuditEvent
from notifications.models import OutboxMessage

from .factories import DelegationFactory
from .queries import assert_constant_queries

Status = OfficialAccount.Status


def establish(district, handle="NorthHighNews", *, site_manager=None, status=None, actor=None, unit=None, **kwargs):
    account = services.establish_account(
        actor=actor or district.superintendent,
        platform=kwargs.pop("platform", None) or Platform.objects.get(slug="instagram"),
        org_unit=unit or district.north,
        display_name=kwargs.pop("display_name", "North High News"),
        handle=handle,
        site_manager=site_manager or district.teacher,
        origin=OfficialAccount.Origin.DIRECT,
        reason="Established for the test",
        **kwargs,
    )
    if status == Status.ACTIVE:
        # One account per call, as its page works on one; zeal counts the calls of a whole test.
        with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
            services.credentials_escrowed(actor=account_manager(account), account=account)
        account.refresh_from_db()
    return account


def account_manager(account):
    return services.current(account).person


@pytest.fixture
def active(district):
    return establish(district, status=Status.ACTIVE)


class TestEstablish:
    def test_direct_establishment_is_pending_setup_with_its_site_manager(self, district):
        """R-III-B: the superintendent establishes an account directly, recorded as such."""
        account = establish(district, "https://www.instagram.com/NorthHighNews/?hl=en")
        assert account.status == Status.PENDING_SETUP and account.origin == OfficialAccount.Origin.DIRECT
        # Instagram shows handles in lower case, and so does the registry.
        assert (account.handle, account.handle_key) == ("northhighnews", "northhighnews")
        assert account.url == "https://www.instagram.com/northhighnews/"
        assert account_manager(account) == district.teacher
        event = AuditEvent.objects.get(verb="account.established")
        assert event.after["origin"] == "direct" and event.org_unit == district.north
        assert OutboxMessage.objects.filter(recipient=district.teacher, template="account_established").exists()

    def test_a_designee_with_the_power_may_establish(self, district):
        assert establish(district, actor=district.designee).established_by == district.designee

    @pytest.mark.parametrize("persona", ["principal", "teacher", "coach", "outsider", "admin"])
    def test_nobody_else_may_establish_directly(self, district, persona):
        with pytest.raises(services.RegistryError):
            establish(district, actor=district.persona(persona))
        assert not OfficialAccount.objects.exists()

    def test_a_live_handle_is_registered_once_per_platform(self, district):
        """R-III-A: the same account, however it is written, is refused the second time."""
        establish(district, "NorthHighNews")
        with pytest.raises(services.RegistryError) as error:
            establish(district, "@northhighnews")
        assert error.value.field == "handle"
        other = Platform.objects.get(slug="tiktok")
        assert establish(district, "NorthHighNews", platform=other).platform == other

    def test_a_retired_handle_can_be_registered_again(self, district, active):
        services.change_status(actor=district.superintendent, account=active, status=Status.RETIRED, reason="Closed")
        assert establish(district, "northhighnews").status == Status.PENDING_SETUP

    def test_the_site_manager_is_an_active_employee(self, district):
        """R-III-E: a contractor cannot be a site manager."""
        with pytest.raises(services.RegistryError, match="contractor"):
            establish(district, site_manager=district.contractor)
        district.coach.is_active = False
        district.coach.save()
        with pytest.raises(services.RegistryError):
            establish(district, site_manager=district.coach)

    def test_a_handle_that_is_not_one_is_refused(self, district):
        with pytest.raises(services.RegistryError) as error:
            establish(district, "https://www.youtube.com/watch?v=abc")
        assert error.value.field == "handle"


class TestLifecycle:
    def test_escrowed_credentials_make_it_active_and_official(self, district):
        account = establish(district)
        services.credentials_escrowed(actor=district.teacher, account=account)
        account.refresh_from_db()
        today = timezone.localdate()
        assert account.status == Status.ACTIVE and account.official_since == today
        assert account.next_review_due == services.add_months(today, 12)
        assert AuditEvent.objects.filter(verb="account.activated").count() == 1

    @pytest.mark.parametrize("start", list(Status))
    @pytest.mark.parametrize("target", [Status.SUSPENDED, Status.ACTIVE, Status.RETIRED])
    def test_the_transition_table(self, district, start, target):
        account = establish(district)
        OfficialAccount.objects.filter(pk=account.pk).update(status=start)
        allowed = (start, target) in services.TRANSITIONS and not (start, target) == (Status.PENDING_SETUP,
                                                                                      Status.ACTIVE)
        if allowed:
            services.change_status(actor=district.superintendent, account=account, status=target, reason="Why")
            account.refresh_from_db()
            assert account.status == target
        else:
            with pytest.raises(services.RegistryError):
                services.change_status(actor=district.superintendent, account=account, status=target, reason="Why")
            account.refresh_from_db()
            assert account.status == start

    @pytest.mark.parametrize("persona,allowed", [
        ("superintendent", True), ("designee", True), ("principal", False), ("teacher", False),
        ("coach", False), ("contractor", False), ("outsider", False), ("admin", False),
    ])
    def test_who_may_suspend(self, district, active, persona, allowed):
        call = lambda: services.change_status(  # noqa: E731
            actor=district.persona(persona), account=active, status=Status.SUSPENDED, reason="Concern under review")
        if allowed:
            call()
            assert OutboxMessage.objects.filter(template="account_status_changed", recipient=district.teacher).exists()
        else:
            with pytest.raises(services.RegistryError):
                call()

    def test_a_reason_is_required(self, district, active):
        with pytest.raises(services.RegistryError) as error:
            services.change_status(actor=district.superintendent, account=active, status=Status.SUSPENDED, reason=" ")
        assert error.value.field == "reason"

    def test_a_designee_out_of_scope_may_not(self, district, active):
        DelegationFactory(grantee=district.coach, granted_by=district.superintendent, scope=district.south,
                          establish_accounts=True)
        with pytest.raises(services.RegistryError):
            services.change_status(actor=district.coach, account=active, status=Status.SUSPENDED, reason="x")


class TestHandOver:
    def test_the_supervisor_hands_over_and_rotation_falls_due(self, district, active):
        """R-III-E: a new site manager forces a credential rotation."""
        services.hand_over(actor=district.principal, account=active, new_site_manager=district.designee,
                           reason="Sam moves to another school")
        active.refresh_from_db()
        assert account_manager(active) == district.designee
        assert active.rotation_due and "site manager changed" in active.rotation_due_reason
        old = Designation.objects.get(account=active, person=district.teacher)
        assert old.ended_at is not None and old.end_reason == "Sam moves to another school"
        told = set(OutboxMessage.objects.filter(template="account_handed_over").values_list("to", flat=True))
        assert {"teacher@example.org", "designee@example.org", "super@example.org"} <= told

    @pytest.mark.parametrize("persona", ["teacher", "coach", "contractor", "outsider", "admin"])
    def test_nobody_else_hands_over(self, district, active, persona):
        with pytest.raises(services.RegistryError):
            services.hand_over(actor=district.persona(persona), account=active, new_site_manager=district.coach,
                               reason="x")
        assert account_manager(active) == district.teacher

    def test_not_to_a_contractor_nor_to_the_same_person(self, district, active):
        with pytest.raises(services.RegistryError, match="contractor"):
            services.hand_over(actor=district.superintendent, account=active, new_site_manager=district.contractor,
                               reason="x")
        with pytest.raises(services.RegistryError, match="already manages"):
            services.hand_over(actor=district.superintendent, account=active, new_site_manager=district.teacher,
                               reason="x")

    def test_one_current_site_manager_is_enforced_by_the_database(self, district, active):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Designation.objects.create(account=active, person=district.coach, role="site_manager",
                                       started_at=timezone.now(), designated_by=district.superintendent)


class TestBackupAndReview:
    def test_the_site_manager_names_a_backup(self, district, active):
        # Three tries, as three requests would be (each on an account its page loads with its
        # site manager); zeal counts the calls of a whole test.
        with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
            services.set_backup(actor=district.teacher, account=active, backup=district.coach, reason="Cover")
            assert services.current(active, Designation.Role.BACKUP).person == district.coach
            with pytest.raises(services.RegistryError):
                services.set_backup(actor=district.teacher, account=active, backup=district.teacher, reason="x")
            with pytest.raises(services.RegistryError):
                services.set_backup(actor=district.outsider, account=active, backup=district.coach, reason="x")

    def test_review_sets_the_next_due_date(self, district, active):
        """R-V-D: the annual review is the site manager's, and falls due a year later."""
        services.record_review(actor=district.teacher, account=active, still_needed=True, details_correct=True,
                               recovery_district_owned=True, two_factor_enabled=True)
        active.refresh_from_db()
        assert active.next_review_due == services.add_months(timezone.localdate(), 12)
        assert not OutboxMessage.objects.filter(template="account_review_flagged").exists()

    def test_a_no_needs_a_note_and_tells_the_superintendent(self, district, active):
        with pytest.raises(services.RegistryError) as error:
            services.record_review(actor=district.teacher, account=active, still_needed=True, details_correct=True,
                                   recovery_district_owned=False, two_factor_enabled=True)
        assert error.value.field == "notes"
        services.record_review(actor=district.teacher, account=active, still_needed=True, details_correct=True,
                               recovery_district_owned=False, two_factor_enabled=True,
                               notes="Recovery phone is Sam's own; IT is moving it to a district line.")
        assert OutboxMessage.objects.get(template="account_review_flagged").recipient == district.superintendent

    @pytest.mark.parametrize("persona", ["superintendent", "principal", "coach"])
    def test_only_the_site_manager_reviews(self, district, active, persona):
        with pytest.raises(services.RegistryError):
            services.record_review(actor=district.persona(persona), account=active, still_needed=True,
                                   details_correct=True, recovery_district_owned=True, two_factor_enabled=True)


@pytest.mark.parametrize("day,months,expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 11, 24), 12, date(2027, 11, 24)), (date(2026, 12, 15), 1, date(2027, 1, 15)),
])
def test_add_months(day, months, expected):
    assert services.add_months(day, months) == expected


class TestScope:
    @pytest.mark.parametrize("persona,sees", [
        ("superintendent", True), ("designee", True), ("principal", True), ("teacher", True),
        ("coach", False), ("contractor", False), ("outsider", False), ("admin", False),
    ])
    def test_who_sees_an_account(self, district, client_for, active, persona, sees):
        """The site manager, their supervisor and the superintendent's office; others get 404."""
        assert (active in selectors.accounts_for(district.persona(persona))) is sees
        status = client_for(persona).get(reverse("accounts:account", args=[active.pk])).status_code
        assert status == (200 if sees else 404)


class TestPages:
    def test_registry_and_mine(self, district, client_for, active):
        html = client_for("superintendent").get(reverse("accounts:registry") + "?q=north").content.decode()
        assert "North High News" in html and "Tess Teacher" in html
        mine = client_for("teacher").get(reverse("accounts:mine")).content.decode()
        assert "North High News" in mine and "You are the site manager." in mine

    def test_hand_over_form_keeps_input_and_explains(self, district, client_for, active):
        url = reverse("accounts:hand_over", args=[active.pk])
        response = client_for("principal").post(url, {"new_site_manager": "nobody@example.org", "reason": "Leaving"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nobody on the staff roster has that email address." in html and "Leaving" in html
        response = client_for("principal").post(url, {"new_site_manager": "contractor@example.org", "reason": "x"})
        assert "contractor" in response.context["form"].errors["new_site_manager"][0]
        response = client_for("principal").post(url, {"new_site_manager": "coach@example.org", "reason": "x"})
        assert response.status_code == 302

    def test_the_review_page(self, district, client_for, active):
        url = reverse("accounts:review", args=[active.pk])
        assert client_for("principal").get(url).status_code == 403
        data = {"still_needed": "yes", "details_correct": "yes", "recovery_district_owned": "yes",
                "two_factor_enabled": "no", "notes": ""}
        response = client_for("teacher").post(url, data)
        assert response.context["form"].errors["notes"]
        data["notes"] = "Turning it on this week."
        assert client_for("teacher").post(url, data).status_code == 302

    def test_csv_export_neutralises_formulas(self, district, client_for):
        establish(district, "NorthHighNews", display_name="=HYPERLINK(\"http://evil\")")
        response = client_for("superintendent").get(reverse("accounts:export"))
        body = b"".join(response.streaming_content).decode()
        assert "'=HYPERLINK" in body and response["Cache-Control"] == "no-store"
        assert client_for("teacher").get(reverse("accounts:export")).status_code == 403

    def test_the_account_page_shows_the_latest_events_and_links_the_whole_timeline(self, district, client_for,
                                                                                  active):
        """Its ten latest events; the rest a page at a time, for everyone who sees the account."""
        from audits.services import record

        with transaction.atomic():
            for n in range(60):
                record(actor=district.teacher, verb="account.reviewed", target=active, reason=f"Note {n:02d}")
        html = client_for("teacher").get(reverse("accounts:account", args=[active.pk])).content.decode()
        assert "Note 59" in html and "Note 50" in html and "Note 49" not in html
        timeline = reverse("accounts:timeline", args=[active.pk])
        assert f'href="{timeline}"' in html
        first = client_for("teacher").get(timeline)
        html = first.content.decode()
        assert "Note 59" in html and "Note 10" in html and "Note 09" not in html
        older = first.context["page"].older
        html = client_for("teacher").get(f"{timeline}?before={older}").content.decode()
        assert "Note 09" in html and "account.established" in html and "Note 10" not in html

    def test_the_account_page_shows_history_and_timeline_escaped(self, district, client_for, active):
        """The keepers read off the history; the history's rows and the timeline's items
        show who, when and why, every value escaped; each form's ids are its own, so each
        label names one field (WCAG 2.1 1.3.1)."""
        from collections import Counter

        from audits.services import record
        from tests.a11y import assert_accessible

        nasty = 'Cover & "care" <b>now</b>'
        with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
            services.set_backup(actor=district.teacher, account=active, backup=district.coach, reason="Cover")
            services.set_backup(actor=district.teacher, account=active, backup=district.designee, reason=nasty)
            record(actor=district.teacher, verb="account.reviewed", target=active, reason=nasty)
            for persona in ("superintendent", "principal", "teacher"):  # the office, the supervisor, the keeper
                response = client_for(persona).get(reverse("accounts:account", args=[active.pk]))
                html = assert_accessible(response.content.decode())
                assert "<dt>Site manager</dt><dd>Tess Teacher</dd>" in html and "<dt>Backup</dt><dd>Dee Signee</dd>" in html
                assert "<b>now</b>" not in html and "Cover &amp; &quot;care&quot; &lt;b&gt;now&lt;/b&gt;" in html
                ids = Counter(re.findall(r' id="([^"]+)"', html))
                assert [id_ for id_, count in ids.items() if count > 1] == []
                assert "backup_reason" in re.findall(r'<label for="([^"]+)"', html)
                if persona == "superintendent":
                    assert "status_reason" in re.findall(r'<label for="([^"]+)"', html)
        designations = selectors.history(active)
        assert (active.current_site_manager_id, active.current_site_manager_name, active.current_backup_name) == (
            district.teacher.pk, "Tess Teacher", "Dee Signee")
        assert len(designations) == 3 and any(d.end_reason == nasty for d in designations)
        html = client_for("teacher").get(reverse("accounts:account", args=[active.pk])).content.decode()
        history = html[html.index('id="history-h"'):html.index('id="timeline-h"')]
        started = timezone.localtime(designations[0].started_at)
        assert (f"<tr><td>Dee Signee</td><td>Backup</td><td>{started:%b} {started.day}, {started.year}</td>"
                "<td>now</td><td>Cover &amp; &quot;care&quot; &lt;b&gt;now&lt;/b&gt;</td></tr>") in history
        assert history.count("<tr><td>") == 3 and "<td>Tess Teacher</td><td>Site manager</td>" in history
        event = AuditEvent.objects.filter(target_id=str(active.pk)).order_by("-sequence").first()
        at = timezone.localtime(event.at)
        assert (f'<li><time datetime="{at.isoformat()}">{at:%b} {at.day}, {at.year} {at:%H:%M}</time> '
                f"<strong>account.reviewed</strong> by {event.actor_label}: "
                "Cover &amp; &quot;care&quot; &lt;b&gt;now&lt;/b&gt;</li>") in html

    def test_account_page_and_timeline_queries_do_not_grow(self, district, client_for, active):
        from audits.services import record

        def grow(count):
            with transaction.atomic():
                for n in range(count):
                    record(actor=district.teacher, verb="account.reviewed", target=active, reason=f"Note {n}")

        for url in (reverse("accounts:account", args=[active.pk]), reverse("accounts:timeline", args=[active.pk])):
            assert_constant_queries(client_for("teacher"), url, grow, 3, 80)

    def test_registry_queries_do_not_grow(self, district, client_for):
        platform = Platform.objects.get(slug="instagram")

        def grow(count):
            start = OfficialAccount.objects.count()
            for n in range(start, start + count):
                establish(district, f"north{n}", platform=platform, display_name=f"North {n}")

        queries = assert_constant_queries(client_for("superintendent"), reverse("accounts:registry"), grow, 5, 60)
        assert queries <= 12

    def test_next_on_a_filtered_registry_keeps_the_filters(self, district, client_for):
        """R-III-E: "Next" and "Previous" change the page and keep the search and filters
        (``includes/pagination.html``, Django's ``{% querystring %}``); so does the CSV link."""
        from accounts.views_registry import PER_PAGE

        instagram = Platform.objects.get(slug="instagram")
        OfficialAccount.objects.bulk_create([
            OfficialAccount(platform=instagram, org_unit=district.north, display_name=f"North {n:03d}",
                            handle=f"north{n:03d}", handle_key=f"north{n:03d}", status=Status.ACTIVE,
                            origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent)
            for n in range(PER_PAGE + 3)])
        client = client_for("superintendent")
        url = reverse("accounts:registry")
        html = client.get(url, {"q": "north", "platform": "instagram"}).content.decode()
        assert "Page 1 of 2" in html and 'href="?q=north&amp;platform=instagram&amp;page=2" rel="next"' in html
        assert f'href="{reverse("accounts:export")}?q=north&amp;platform=instagram"' in html
        html = client.get(url, {"q": "north", "platform": "instagram", "page": 2}).content.decode()
        assert "Page 2 of 2" in html and 'href="?q=north&amp;platform=instagram&amp;page=1" rel="prev"' in html
        assert html.count('<span class="badge badge-active">') == 3
        html = client.get(url, {"status": "suspended", "page": 2}).content.decode()
        assert "No accounts match" in html  # the filter is kept: nothing is suspended

    def test_r_iii_e_the_registry_counts_what_each_person_sees_once_per_change(self, district, client_for):
        """The registry's pages are numbered by what the person sees (Policy 4038 §III.E,
        R-III-E): the superintendent the whole registry; a designee their delegation's
        subtree, what they keep and what the people they supervise manage, each account
        once. The subtree's count is kept until the registry changes
        (``accounts.registry_counts``), so a repeat view counts only one's own few; a new
        account, a hand-over, a new report and a new delegation all show at once."""
        youtube = Platform.objects.get(slug="youtube")
        establish(district, "north_news")
        establish(district, "north_tube", platform=youtube, display_name="North Tube", status=Status.ACTIVE)
        establish(district, "south_news", unit=district.south, site_manager=district.coach, display_name="South News")
        establish(district, "ath_news", unit=district.athletics, site_manager=district.coach, display_name="Ath News")
        outsiders = establish(district, "outsider_news", site_manager=district.outsider, display_name="Outsider News")
        # The coach: a designee for the south who keeps an athletics account and supervises
        # the outsider, whose account is the north's.
        DelegationFactory(grantee=district.coach, scope=district.south, establish_accounts=True)
        district.outsider.supervisor = district.coach
        district.outsider.save()
        url = reverse("accounts:registry")
        filters = ["", "?status=active", "?platform=youtube", "?status=pending_setup&platform=instagram", "?q=news",
                   "?status=nonsense"]

        def listed(persona):
            """Per filter: the handles listed, each page's rows counted against its number."""
            client, seen = client_for(persona), []
            for query in filters:
                page = client.get(url + query).context["page"]
                assert page.paginator.count == len(page.object_list), (persona, query)
                seen.append(sorted(account.handle for account in page.object_list))
            return seen

        everything = ["ath_news", "north_news", "north_tube", "outsider_news", "south_news"]
        pending = ["ath_news", "north_news", "outsider_news", "south_news"]
        assert listed("superintendent") == [everything, ["north_tube"], ["north_tube"], pending,
                                            ["ath_news", "north_news", "outsider_news", "south_news"], everything]
        coachs = ["ath_news", "outsider_news", "south_news"]
        assert listed("coach") == [coachs, [], [], coachs, coachs, coachs]

        def accounts_counted(persona):
            with CaptureQueriesContext(connection) as captured:
                client_for(persona).get(url)
            return [query["sql"] for query in captured.captured_queries
                    if query["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "accounts_officialaccount"')]

        coach_counts = accounts_counted("coach")  # only the coach's own few, outside the south
        assert len(coach_counts) == 1 and "unit_path" in coach_counts[0]
        assert accounts_counted("superintendent") == []

        establish(district, "south_sports", unit=district.south, site_manager=district.coach,
                  display_name="South Sports")
        services.hand_over(actor=district.superintendent, account=outsiders, new_site_manager=district.principal,
                           reason="The outsider moved on")
        assert listed("coach")[0] == ["ath_news", "south_news", "south_sports"]
        district.teacher.supervisor = district.coach
        district.teacher.save()
        assert listed("coach")[0] == ["ath_news", "north_news", "north_tube", "south_news", "south_sports"]
        DelegationFactory(grantee=district.coach, scope=district.north, establish_accounts=True)
        assert listed("coach")[0] == everything + ["south_sports"]
        assert listed("superintendent")[0] == everything + ["south_sports"]

    def test_my_accounts_queries_do_not_grow(self, district, client_for):
        def grow(count):
            start = OfficialAccount.objects.count()
            for n in range(start, start + count):
                establish(district, f"mine{n}", display_name=f"Mine {n}")

        assert_constant_queries(client_for("teacher"), reverse("accounts:mine"), grow, 3, 30)


class TestDirectEstablishmentPage:
    """R-III-B: the superintendent's office establishes an account from the registry,
    under the same rules as an approved application."""

    def post(self, client, district, **overrides):
        data = {"org_unit": district.north.pk, "platform": Platform.objects.get(slug="instagram").pk,
                "handle": "https://www.instagram.com/North_Bands/", "display_name": "North Bands",
                "site_manager": district.teacher.email, "reason": "The band program's account, moved under the school.",
                **overrides}
        return client.post(reverse("accounts:establish"), data)

    def test_r_iii_b_established_directly_pending_setup(self, district, client_for):
        response = self.post(client_for("designee"), district)
        account = OfficialAccount.objects.get(handle="north_bands")
        assert response.status_code == 302 and response["Location"] == reverse("accounts:account", args=[account.pk])
        assert account.origin == OfficialAccount.Origin.DIRECT and account.status == Status.PENDING_SETUP
        event = AuditEvent.objects.get(verb="account.established")
        assert event.actor == district.designee and "band program" in event.reason

    def test_r_iii_b_the_reason_is_required(self, district, client_for):
        html = self.post(client_for("superintendent"), district, reason="").content.decode()
        assert 'id="id_reason_error"' in html and not OfficialAccount.objects.exists()

    def test_r_iii_h_an_audience_below_the_platforms_age_is_refused(self, district, client_for):
        html = self.post(client_for("superintendent"), district, audience_min_age=10).content.decode()
        assert "§III.H" in html and 'id="id_audience_min_age_error"' in html
        assert 'value="https://www.instagram.com/North_Bands/"' in html  # what was typed is kept
        assert not OfficialAccount.objects.exists()

    def test_r_iii_a_another_units_name_needs_a_reason(self, district, client_for):
        from accounts.models import ProtectedName

        ProtectedName.objects.create(name="South High School", kind=ProtectedName.Kind.SCHOOL, owner=district.south)
        client = client_for("superintendent")
        html = self.post(client, district, handle="southhs_bands").content.decode()
        assert 'id="id_name_override_reason_error"' in html and "§III.A" in html
        self.post(client, district, handle="southhs_bands", name_override_reason="A joint band of both schools.")
        assert AuditEvent.objects.get(verb="account.established").after["name_override"] == ["South High School"]

    def test_only_units_in_the_delegations_scope_are_offered(self, district, client_for):
        from people.models import User

        south_designee = DelegationFactory(scope=district.south, establish_accounts=True,
                                           decide_applications=False).grantee
        client = client_for("anonymous")
        client.force_login(User.objects.get(pk=south_designee.pk))
        html = client.get(reverse("accounts:establish")).content.decode()
        assert "South High School</option>" in html and "North High School</option>" not in html
        html = self.post(client, district).content.decode()
        assert 'id="id_org_unit_error"' in html and not OfficialAccount.objects.exists()
