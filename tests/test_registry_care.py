"""Caring for the registry (issue [registry-care]): an account's details follow the platform
and the district (R-III-A, R-III-B), and the office acts on a leaver or a breach at once
(R-III-E): every account a person revealed made due for rotation, every account a person
keeps handed to a successor."""

import pytest
from django.urls import reverse
from zeal import zeal_ignore

from accounts import services
from accounts.models import FormerHandle, OfficialAccount, ProtectedName
from audits.models import AuditEvent
from notifications.models import OutboxMessage
from people.models import User

from .factories import DelegationFactory
from .test_registry import Status, active, establish  # noqa: F401 (the ``active`` fixture)


def edit(district, account, actor=None, **changes):
    data = {"display_name": account.display_name, "handle": account.handle, "org_unit": account.org_unit,
            "reason": "The school renamed its account.", **changes}
    with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
        return services.edit_account(actor=actor or district.superintendent, account=account, **data)


def person(user):
    return User.objects.get(pk=user.pk)  # a fresh object: no roles cached from another test step


class TestEditService:
    def test_r_iii_b_a_rename_is_one_event_of_the_changed_fields_and_the_site_manager_is_told(self, district, active):
        edited = edit(district, active, handle="https://www.instagram.com/NorthHighLive/", display_name="North Live")
        active.refresh_from_db()
        assert (active.handle, active.handle_key, active.display_name) == ("northhighlive", "northhighlive",
                                                                           "North Live")
        assert active.url == "https://www.instagram.com/northhighlive/"
        assert set(edited.changes) == {"display_name", "handle", "url"}
        event = AuditEvent.objects.get(verb="account.edited")
        assert event.before == {"display_name": "North High News", "handle": "northhighnews",
                                "url": "https://www.instagram.com/northhighnews/"}
        assert event.after == {"display_name": "North Live", "handle": "northhighlive",
                               "url": "https://www.instagram.com/northhighlive/"}
        assert event.reason == "The school renamed its account." and event.actor == district.superintendent
        mail = OutboxMessage.objects.get(template="account_edited")
        assert mail.recipient == district.teacher
        assert "its handle: northhighnews → northhighlive" in mail.body_text
        former = FormerHandle.objects.get(account=active)
        assert (former.handle, former.handle_key, former.platform.slug) == ("northhighnews", "northhighnews",
                                                                            "instagram")

    def test_r_iii_a_the_office_edits_what_it_posts_and_families_read_it(self, district, active, client):
        """Issue [public]: the one-line description, asked on the application, is editable by
        the office: one event, shown in the directory; too long or hidden characters are refused
        beside the field; leaving it out keeps it."""
        edit(district, active, description="  Game  scores and   school news ")
        active = OfficialAccount.objects.select_related("org_unit").get(pk=active.pk)
        assert active.description == "Game scores and school news"
        event = AuditEvent.objects.get(verb="account.edited")
        assert event.before == {"description": ""} and event.after == {"description": "Game scores and school news"}
        assert "Game scores and school news" in client.get(reverse("directory")).content.decode()
        for bad in ("x" * 201, "News\u202e"):
            with pytest.raises(services.RegistryError) as refused:
                edit(district, active, description=bad)
            assert refused.value.field == "description" or "description" in refused.value.errors
        edit(district, active, display_name="North High Live")  # no description given: kept
        active = OfficialAccount.objects.get(pk=active.pk)
        assert active.description == "Game scores and school news"

    def test_nothing_changed_records_nothing_and_says_so(self, district, active):
        edited = edit(district, active, handle="@NorthHighNews")  # its own handle, written otherwise
        assert edited.changes == {}
        assert not AuditEvent.objects.filter(verb="account.edited").exists()
        assert not OutboxMessage.objects.filter(template="account_edited").exists()
        assert not FormerHandle.objects.exists()

    def test_a_move_follows_in_the_directory_and_needs_the_power_over_both_units(self, district, active):
        south_only = DelegationFactory(scope=district.south, establish_accounts=True).grantee
        with pytest.raises(services.RegistryError):  # no power over North, where the account is
            edit(district, active, actor=person(south_only), org_unit=district.south)
        north_only = DelegationFactory(scope=district.north, establish_accounts=True).grantee
        with pytest.raises(services.RegistryError) as refused:  # none over South, where it would go
            edit(district, active, actor=person(north_only), org_unit=district.south)
        assert refused.value.field == "org_unit"
        edit(district, active, actor=person(district.designee), org_unit=district.south)
        active.refresh_from_db()
        assert active.org_unit == district.south and active.unit_path == district.south.path
        event = AuditEvent.objects.get(verb="account.edited")
        assert event.before == {"org_unit": "North High School"} and event.after == {"org_unit": "South High School"}
        assert event.org_unit == district.south

    @pytest.mark.parametrize("persona", ["principal", "teacher", "coach", "outsider", "contractor"])
    def test_nobody_else_edits(self, district, active, persona):
        with pytest.raises(services.RegistryError):
            edit(district, active, actor=person(district.persona(persona)), display_name="Mine now")
        assert not AuditEvent.objects.filter(verb="account.edited").exists()

    def test_a_live_handle_stays_unique_and_bad_input_goes_beside_its_field(self, district, active):
        establish(district, "SouthNews", unit=district.south, display_name="South News")
        for changes, field in [({"handle": "SouthNews"}, "handle"), ({"handle": "https://x.com/NorthHigh"}, "handle"),
                               ({"display_name": "  "}, "display_name"),
                               ({"display_name": "North\u202eLive"}, "display_name")]:
            with pytest.raises(services.RegistryError) as refused:
                edit(district, active, **changes)
            assert field in refused.value.errors, changes
        active.refresh_from_db()
        assert active.handle == "northhighnews" and not AuditEvent.objects.filter(verb="account.edited").exists()

    def test_r_iii_a_a_new_protected_name_of_another_unit_needs_a_reason(self, district, active):
        ProtectedName.objects.create(name="South High School", kind=ProtectedName.Kind.SCHOOL, owner=district.south)
        with pytest.raises(services.RegistryError) as refused:
            edit(district, active, handle="SouthHSNews")
        assert refused.value.field == "name_override_reason" and "South High School" in refused.value.message
        edit(district, active, handle="SouthHSNews", name_override_reason="Both schools share the paper now.")
        event = AuditEvent.objects.get(verb="account.edited")
        assert event.after["name_override"] == ["South High School"] and "share the paper" in event.reason
        # A name it already used, kept as it was, is not asked about again.
        edit(district, active, display_name="The Paper")
        assert AuditEvent.objects.filter(verb="account.edited").count() == 2

    def test_a_retired_account_is_not_edited(self, district, active):
        with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
            services.change_status(actor=district.superintendent, account=active, status=Status.RETIRED,
                                   reason="Closed.")
        with pytest.raises(services.RegistryError, match="retired"):
            edit(district, active, display_name="Back")


class TestFormerHandles:
    def test_r_iii_a_verify_answers_formerly_now_for_an_old_handle(self, district, client_for, active):
        edit(district, active, handle="NorthHighLive")
        client = client_for("anonymous")
        for query in ("https://www.instagram.com/northhighnews/", "@northhighnews"):
            html = client.get(reverse("verify"), {"q": query}).content.decode()
            assert "formerly @northhighnews, now @northhighlive" in html, query
            assert "an official account of North High School" in html
            data = client.get(reverse("verify"), {"q": query, "format": "json"}).json()
            assert data["status"] == "official" and data["account"]["formerly"] == "northhighnews"
            assert data["account"]["handle"] == "northhighlive"
        now = client.get(reverse("verify"), {"q": "@northhighlive", "format": "json"}).json()
        assert now["status"] == "official" and now["account"]["formerly"] is None

    def test_an_old_handle_taken_by_another_official_account_names_that_one(self, district, client_for, active):
        edit(district, active, handle="NorthHighLive")
        establish(district, "NorthHighNews", unit=district.south, display_name="South's News", status=Status.ACTIVE)
        data = client_for("anonymous").get(reverse("verify"), {"q": "https://www.instagram.com/northhighnews/",
                                                               "format": "json"}).json()
        assert data["account"]["name"] == "South's News" and data["account"]["formerly"] is None


class TestEditPage:
    def test_the_office_edits_from_the_account_page_and_bad_input_stays(self, district, client_for, active):
        from .a11y import assert_accessible

        client = client_for("superintendent")
        page = client.get(reverse("accounts:account", args=[active.pk])).content.decode()
        url = reverse("accounts:edit", args=[active.pk])
        assert url in page
        html = client.get(url).content.decode()
        assert 'value="https://www.instagram.com/northhighnews/"' in html
        assert_accessible(html, "edit an account")
        response = client.post(url, {"display_name": "North Live", "handle": "https://x.com/whatever",
                                     "org_unit": district.north.pk, "reason": "Renamed."})
        html = response.content.decode()
        assert response.status_code == 200 and 'id="id_handle_error"' in html
        assert 'value="North Live"' in html and 'value="https://x.com/whatever"' in html
        response = client.post(url, {"display_name": "North Live", "handle": "@NorthHighLive",
                                     "org_unit": district.north.pk, "reason": "Renamed."}, follow=True)
        assert "Saved: its display name, handle, address changed." in response.content.decode()
        assert "Formerly @northhighnews" in response.content.decode()
        response = client.post(url, {"display_name": "North Live", "handle": "@NorthHighLive",
                                     "org_unit": district.north.pk}, follow=True)
        assert "Nothing changed" in response.content.decode()

    def test_those_who_see_the_account_but_may_not_edit_get_403_and_no_link(self, district, client_for, active):
        client = client_for("principal")
        assert reverse("accounts:edit", args=[active.pk]) not in client.get(
            reverse("accounts:account", args=[active.pk])).content.decode()
        assert client.get(reverse("accounts:edit", args=[active.pk])).status_code == 403
        assert client_for("outsider").get(reverse("accounts:edit", args=[active.pk])).status_code == 404


def test_the_demo_has_a_renamed_account_and_an_authenticator_and_stays_so_when_seeded_again(db):
    """The demo's tour: verify answers for the X account's old handle; the revealed
    Facebook account's credentials carry an authenticator secret (R-III-E)."""
    from django.core.management import call_command

    from credentials.demo import REVEALED_BY_DESIGNEE
    from credentials.models import CredentialVersion
    from credentials.keyring import keyring
    from credentials.models import Secrets

    call_command("seed_demo", verbosity=0)
    accounts = OfficialAccount.objects.count()
    call_command("seed_demo", verbosity=0)
    assert OfficialAccount.objects.count() == accounts
    renamed = OfficialAccount.objects.get(platform__slug="x", handle="MPS_Updates")
    assert list(renamed.former_handles.values_list("handle", flat=True)) == ["MPS_News"]
    version = CredentialVersion.objects.current().get(account__handle=REVEALED_BY_DESIGNEE)
    assert Secrets.from_bytes(keyring().open(version.key_id, version.sealed, aad=version.aad)).totp_seed


# --- a leaver or a breach: everything they revealed rotated --------------------------------

def escrow_and_reveal(district, handle, unit, site_manager, revealer):
    from credentials import services as escrow
    from credentials.models import Secrets

    account = establish(district, handle, unit=unit, site_manager=site_manager, display_name=handle)
    with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"},
                      {"model": "accounts.OfficialAccount", "field": "org_unit"}]):
        escrow.escrow(actor=person(site_manager), account=account, secrets=Secrets(login="x", password="pw-1"))
        escrow.reveal(actor=person(revealer), account=account, reason_kind="recover", reason="Helping out.",
                      second_factor_used=True)
        # The site manager changed them since: nothing is due any more.
        escrow.escrow(actor=person(site_manager), account=account, secrets=Secrets(login="x", password="pw-2"))
    account.refresh_from_db()
    assert not account.rotation_due
    return account


@pytest.fixture
def revealed(district):
    """The designee revealed one North and one South account; both were rotated since."""
    return (escrow_and_reveal(district, "NorthOne", district.north, district.teacher, district.designee),
            escrow_and_reveal(district, "SouthOne", district.south, district.outsider, district.designee))


class TestRotateRevealed:
    def test_r_iii_e_one_action_makes_all_they_revealed_due_one_event_and_mail_each(self, district, revealed):
        from credentials import selectors, services as escrow

        accounts = selectors.revealed_by(person(district.superintendent), "DESIGNEE@example.org")
        assert {account.handle for account in accounts} == {"northone", "southone"}
        changed = escrow.rotate_all(actor=person(district.superintendent), accounts=accounts,
                                    reason="Left the district on May 4, 2027.")
        assert {account.handle for account in changed} == {"northone", "southone"}
        for account in revealed:
            account.refresh_from_db()
            assert account.rotation_due and account.rotation_due_reason == "Left the district on May 4, 2027."
        events = AuditEvent.objects.filter(verb="credentials.rotation_due", reason="Left the district on May 4, 2027.")
        assert sorted(event.target_id for event in events) == sorted(str(account.pk) for account in revealed)
        mails = OutboxMessage.objects.filter(template="credentials_rotation_due")
        assert sorted(mails.values_list("recipient__email", flat=True)) == ["outsider@example.org",
                                                                            "teacher@example.org"]
        # Again: already due, nothing new is recorded or sent.
        assert escrow.rotate_all(actor=person(district.superintendent), accounts=accounts, reason="Again.") == []
        assert mails.count() == 2

    def test_the_office_acts_within_its_scope_and_a_reason_is_required(self, district, revealed):
        from credentials import selectors, services as escrow

        north_office = person(DelegationFactory(scope=district.north, reveal_credentials=True).grantee)
        accounts = selectors.revealed_by(north_office, "designee@example.org")
        assert [account.handle for account in accounts] == ["northone"]
        with pytest.raises(escrow.EscrowError) as refused:
            escrow.rotate_all(actor=north_office, accounts=accounts, reason=" ")
        assert refused.value.field == "reason" and not OfficialAccount.objects.filter(rotation_due=True).exists()
        escrow.rotate_all(actor=north_office, accounts=accounts, reason="Lost laptop.")
        assert list(OfficialAccount.objects.filter(rotation_due=True).values_list("handle", flat=True)) == ["northone"]
        outsider = person(district.principal)  # no reveal power: refused whatever the list
        with pytest.raises(escrow.EscrowError):
            escrow.rotate_all(actor=outsider, accounts=OfficialAccount.objects.filter(handle="southone"),
                              reason="x")

    def test_from_who_revealed_what_with_a_confirmation(self, district, client_for, revealed):
        from .a11y import assert_accessible

        client = client_for("superintendent")
        html = client.get(reverse("credentials:reveals"), {"person": "designee@example.org"}).content.decode()
        rotate = reverse("credentials:rotate_revealed") + "?person=designee%40example.org&amp;since="
        assert rotate in html
        url = reverse("credentials:rotate_revealed") + "?person=designee%40example.org"
        html = client.get(url).content.decode()
        assert "NorthOne" in html and "SouthOne" in html and "2 accounts" in html
        assert_accessible(html, "rotate what a person revealed")
        response = client.post(url, {"reason": ""})
        assert 'id="id_reason_error"' in response.content.decode()
        assert not OfficialAccount.objects.filter(rotation_due=True).exists()
        response = client.post(url, {"reason": "Left the district."}, follow=True)
        assert "2 accounts now due for rotation" in response.content.decode()
        assert OfficialAccount.objects.filter(rotation_due=True).count() == 2
        assert client.get(reverse("credentials:rotate_revealed")).status_code == 302  # nobody chosen


# --- a leaver's accounts to a successor ------------------------------------------------------

@pytest.fixture
def keeps_two(district):
    """The teacher manages a North and a South account."""
    return (establish(district, "TeacherNorth", unit=district.north, status=Status.ACTIVE),
            establish(district, "TeacherSouth", unit=district.south, status=Status.ACTIVE))


def managers(*accounts) -> list[int]:
    """The ids of the current site managers of ``accounts``, in their order (one query)."""
    from accounts.models import Designation

    found = dict(Designation.objects.current().filter(account__in=accounts, role="site_manager").values_list(
        "account_id", "person_id"))
    return [found[account.pk] for account in accounts]


def hand_all(district, actor, successor, reason="Left the district."):
    from accounts import selectors

    actor = person(actor)
    accounts = list(selectors.kept_by(actor, district.teacher))
    with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
        return services.hand_over_all(actor=actor, person=district.teacher, successor=person(successor),
                                      reason=reason, accounts=accounts)


class TestHandOverAll:
    def test_r_iii_e_every_account_goes_to_the_successor_one_event_and_mail_each(self, district, keeps_two):
        result = hand_all(district, district.superintendent, district.principal)
        assert len(result.done) == 2 and result.refused == []
        assert managers(*keeps_two) == [district.principal.pk] * 2
        assert all(OfficialAccount.objects.filter(pk__in=[a.pk for a in keeps_two]).values_list("rotation_due",
                                                                                              flat=True))
        assert AuditEvent.objects.filter(verb="account.handed_over").count() == 2
        assert OutboxMessage.objects.filter(template="account_handed_over", recipient=district.principal).count() == 2

    def test_an_ineligible_successor_is_refused_on_every_account_with_the_reason(self, district, keeps_two):
        from accounts import selectors

        office = person(district.superintendent)
        rows = services.hand_over_problems(actor=office, accounts=selectors.kept_by(office, district.teacher),
                                           successor=district.contractor)
        assert len(rows) == 2 and all("contractor" in problem for _, problem in rows)
        result = hand_all(district, district.superintendent, district.contractor)
        assert result.done == [] and len(result.refused) == 2
        assert not AuditEvent.objects.filter(verb="account.handed_over").exists()
        assert managers(*keeps_two) == [district.teacher.pk] * 2

    def test_the_office_hands_over_only_within_its_scope(self, district, keeps_two):
        north_office = DelegationFactory(scope=district.north, establish_accounts=True).grantee
        result = hand_all(district, north_office, district.principal)
        assert [account.handle.lower() for account in result.done] == ["teachernorth"]
        assert managers(keeps_two[1]) == [district.teacher.pk]

    def test_bad_input_is_refused_before_anything_changes(self, district, keeps_two):
        with pytest.raises(services.RegistryError) as refused:
            hand_all(district, district.superintendent, district.principal, reason=" ")
        assert refused.value.field == "reason"
        with pytest.raises(services.RegistryError) as refused:
            hand_all(district, district.superintendent, district.teacher)
        assert refused.value.field == "successor"
        assert not AuditEvent.objects.filter(verb="account.handed_over").exists()

    def test_from_the_persons_page_with_one_confirmation(self, district, client_for, keeps_two):
        from .a11y import assert_accessible

        client = client_for("superintendent")
        page = reverse("accounts:person", args=[district.teacher.pk])
        assert page in client.get(reverse("accounts:account", args=[keeps_two[0].pk])).content.decode()
        html = client.get(page).content.decode()
        assert "TeacherNorth" in html or "teachernorth" in html
        assert_accessible(html, "a person's accounts")
        url = reverse("accounts:hand_over_all", args=[district.teacher.pk])
        response = client.post(url, {"successor": "", "reason": "Left."})
        assert 'id="id_successor_error"' in response.content.decode() and 'Left.' in response.content.decode()
        response = client.post(url, {"successor": "principal@example.org", "reason": "Left."})
        html = response.content.decode()
        assert "2 of 2 accounts can go to Pat Principal" in html and "Hand over 2 accounts" in html
        assert_accessible(html, "confirm handing over")
        assert not AuditEvent.objects.filter(verb="account.handed_over").exists()  # nothing yet
        response = client.post(url, {"successor": "principal@example.org", "reason": "Left.", "confirm": "yes"},
                               follow=True)
        assert "2 accounts handed over" in response.content.decode()
        assert AuditEvent.objects.filter(verb="account.handed_over").count() == 2
        by_email = client.get(reverse("accounts:people"), {"person": "TEACHER@example.org"})
        assert by_email.status_code == 302 and by_email["Location"] == page

    def test_out_of_reach_is_404(self, district, client_for, keeps_two):
        athletics = DelegationFactory(scope=district.athletics, establish_accounts=True).grantee
        client = client_for("anonymous")
        client.force_login(person(athletics))
        assert client.get(reverse("accounts:person", args=[district.teacher.pk])).status_code == 404
        assert client_for("principal").get(reverse("accounts:person", args=[district.teacher.pk])).status_code == 403


def test_who_revealed_what_is_linked_for_the_office_only(district, client_for):
    url = reverse("credentials:reveals")
    assert url in client_for("designee").get(reverse("credentials:access")).content.decode()
    assert url not in client_for("teacher").get(reverse("credentials:access")).content.decode()


def test_a_persons_page_costs_the_same_at_2_and_6_accounts(district, client_for):
    from .queries import assert_constant_queries

    made = []

    def grow(count):
        with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
            for _ in range(count):
                made.append(establish(district, f"Kept{len(made)}", display_name=f"Kept {len(made)}"))

    assert_constant_queries(client_for("superintendent"), reverse("accounts:person", args=[district.teacher.pk]),
                            grow, small=2, large=6)
