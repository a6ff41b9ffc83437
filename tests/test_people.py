"""People, the superintendency, delegations and derived roles (R-III-C, R-III-E, R-V-B)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.models import AuditEvent
from notifications.models import OutboxMessage
from people import roles, services
from people.models import Delegation, OrgUnit, Power, User

from .factories import DelegationFactory, OrgUnitFactory, UserFactory

TODAY = timezone.localdate


def grant(district, **overrides):
    arguments = dict(
        actor=district.superintendent,
        grantee=district.principal,
        scope=district.north,
        powers={Power.DECIDE_APPLICATIONS},
        starts_on=TODAY(),
        ends_on=TODAY() + timedelta(days=30),
        reason="Covers North while the designee is on leave.",
    )
    arguments.update(overrides)
    return services.grant_delegation(**arguments)


class TestOrgUnits:
    def test_path_is_the_chain_of_ancestors(self, district):
        program = OrgUnitFactory(code="ROBO", name="Robotics", kind=OrgUnit.Kind.PROGRAM, parent=district.north)
        assert program.path == f"/{district.district.pk}/{district.north.pk}/{program.pk}/"
        assert district.district.contains(program) and district.north.contains(program)
        assert not district.south.contains(program)

    def test_moving_a_unit_moves_its_subtree(self, district):
        program = OrgUnitFactory(code="ROBO", name="Robotics", kind=OrgUnit.Kind.PROGRAM, parent=district.north)
        district.north.parent = district.athletics
        district.north.save()
        program.refresh_from_db()
        assert program.path == f"/{district.district.pk}/{district.athletics.pk}/{district.north.pk}/{program.pk}/"

    def test_a_unit_cannot_move_inside_itself(self, district):
        from django.core.exceptions import ValidationError

        program = OrgUnitFactory(code="ROBO", name="Robotics", kind=OrgUnit.Kind.PROGRAM, parent=district.north)
        district.north.parent = program
        with pytest.raises(ValidationError):
            district.north.full_clean()

    def test_there_is_one_district(self, district):
        with pytest.raises(IntegrityError):
            OrgUnit.objects.create(code="D2", name="Other", kind=OrgUnit.Kind.DISTRICT)


class TestSuperintendent:
    def test_only_one_active_superintendent_is_enforced_by_the_database(self, district):
        """R-III-B: the superintendent is one person at a time."""
        district.teacher.is_superintendent = True
        with pytest.raises(IntegrityError), transaction.atomic():
            district.teacher.save()

    def test_appointment_hands_over_and_is_audited(self, district):
        services.appoint_superintendent(actor=district.admin, appointee=district.principal, reason="Board vote")
        district.superintendent.refresh_from_db()
        assert not district.superintendent.is_superintendent
        assert User.objects.get(is_superintendent=True) == district.principal
        event = AuditEvent.objects.get(verb="superintendent.appointed")
        assert event.before == {"superintendent": "super@example.org"}
        assert event.reason == "Board vote"

    def test_r_iii_b_the_appointment_event_names_who_appointed_whom_in_place_of_whom(self, district):
        services.appoint_superintendent(actor=district.admin, appointee=district.principal, reason="Board vote")
        event = AuditEvent.objects.get(verb="superintendent.appointed")
        assert event.actor == district.admin and event.actor_label == "admin@example.org"
        assert event.before == {"superintendent": "super@example.org"}
        assert event.after == {"superintendent": district.principal.email}
        assert event.target_id == str(district.principal.pk)

    def test_r_iii_e_an_administrator_cannot_appoint_themselves(self, district):
        """The superintendent may reveal every escrowed credential: an administrator who
        could appoint themselves could read them all."""
        with pytest.raises(services.PeopleError) as refused:
            services.appoint_superintendent(actor=district.admin, appointee=district.admin, reason="Board vote")
        assert refused.value.field == "appointee"
        assert refused.value.message == "You cannot appoint yourself superintendent: another administrator must do it."
        assert User.objects.get(is_superintendent=True) == district.superintendent
        assert not AuditEvent.objects.filter(verb="superintendent.appointed").exists()
        assert not OutboxMessage.objects.filter(template="superintendent_appointed").exists()

    def test_r_iii_e_another_administrator_may_appoint_an_administrator(self, district):
        colleague = UserFactory(email="admin2@example.org", org_unit=district.district, is_staff=True,
                                is_superuser=True)
        services.appoint_superintendent(actor=colleague, appointee=district.admin, reason="Board vote")
        assert User.objects.get(is_superintendent=True) == district.admin

    def test_the_outgoing_the_incoming_and_every_administrator_are_told(self, district):
        """Each of them, once; nobody else (not an administrator who has left, not the
        rest of the district)."""
        colleague = UserFactory(email="admin2@example.org", full_name="Bo Backup", org_unit=district.district,
                                is_staff=True)
        UserFactory(email="former-admin@example.org", org_unit=district.district, is_staff=True, is_active=False)
        services.appoint_superintendent(actor=district.admin, appointee=district.principal, reason="Board vote")
        mails = {m.to: m for m in OutboxMessage.objects.filter(template="superintendent_appointed")}
        assert sorted(mails) == sorted([district.superintendent.email, district.principal.email,
                                        district.admin.email, colleague.email])
        assert OutboxMessage.objects.filter(template="superintendent_appointed").count() == 4
        incoming, outgoing, admin = (mails[p.email] for p in (district.principal, district.superintendent, colleague))
        assert incoming.subject == f"{district.principal.full_name} is now the superintendent"
        for mail in (incoming, outgoing, admin):
            assert f"{district.admin.full_name} (admin@example.org) has appointed {district.principal.full_name} " \
                   f"superintendent, in place of {district.superintendent.full_name}." in mail.body_text
            assert "Reason: Board vote" in mail.body_text and "Reason: Board vote" in mail.body_html
        assert "You now establish the district's accounts" in incoming.body_text
        assert "You are no longer the superintendent" in outgoing.body_text
        assert "as an administrator of" in admin.body_text
        assert "You now establish" not in admin.body_text and "no longer" not in admin.body_text

    def test_delegations_end_with_the_grantors_term(self, district):
        """A delegation never outlives the superintendent who granted it."""
        assert roles.is_designee(district.designee)
        services.appoint_superintendent(actor=district.admin, appointee=district.principal, reason="Board vote")
        assert not roles.is_designee(User.objects.get(pk=district.designee.pk))

    @pytest.mark.parametrize("persona", ["teacher", "designee", "principal"])
    def test_only_admins_or_the_superintendent_appoint(self, district, persona):
        with pytest.raises(services.PeopleError):
            services.appoint_superintendent(
                actor=district.persona(persona), appointee=district.teacher, reason="Coup"
            )
        assert User.objects.get(is_superintendent=True) == district.superintendent

    def test_a_contractor_cannot_be_superintendent(self, district):
        with pytest.raises(services.PeopleError):
            services.appoint_superintendent(actor=district.admin, appointee=district.contractor, reason="No")


class TestGrantDelegation:
    def test_the_superintendent_grants_audited_and_notified(self, district):
        delegation = grant(district)
        assert delegation.powers == {Power.DECIDE_APPLICATIONS}
        event = AuditEvent.objects.get(verb="delegation.granted", target_id=str(delegation.pk))
        assert event.actor == district.superintendent and event.org_unit == district.north
        assert event.after["scope"] == district.north.pk and event.after["decide_applications"] is True
        message = OutboxMessage.objects.get(recipient=district.principal)
        assert "North High School" in message.subject
        assert "Decide account applications" in message.body_text

    @pytest.mark.parametrize("persona", ["designee", "principal", "teacher", "admin"])
    def test_nobody_else_can_grant(self, district, persona):
        with pytest.raises(services.PeopleError, match="Only the superintendent"):
            grant(district, actor=district.persona(persona), grantee=district.coach)
        assert not Delegation.objects.filter(grantee=district.coach).exists()

    def test_not_to_oneself(self, district):
        with pytest.raises(services.PeopleError) as error:
            grant(district, grantee=district.superintendent)
        assert error.value.field == "grantee"

    def test_not_to_a_contractor_or_an_inactive_person(self, district):
        with pytest.raises(services.PeopleError):
            grant(district, grantee=district.contractor)
        district.coach.is_active = False
        district.coach.save()
        with pytest.raises(services.PeopleError):
            grant(district, grantee=district.coach)

    def test_not_back_dated_nor_ending_before_it_starts(self, district):
        with pytest.raises(services.PeopleError) as error:
            grant(district, starts_on=TODAY() - timedelta(days=1))
        assert error.value.field == "starts_on"
        with pytest.raises(services.PeopleError) as error:
            grant(district, ends_on=TODAY() - timedelta(days=1))
        assert error.value.field == "ends_on"

    def test_only_known_powers_and_at_least_one(self, district):
        with pytest.raises(services.PeopleError):
            grant(district, powers=set())
        with pytest.raises(services.PeopleError):
            grant(district, powers={"appoint_superintendent"})

    def test_a_refused_grant_writes_nothing(self, district):
        events, messages = AuditEvent.objects.count(), OutboxMessage.objects.count()
        with pytest.raises(services.PeopleError):
            grant(district, grantee=district.superintendent)
        assert (AuditEvent.objects.count(), OutboxMessage.objects.count()) == (events, messages)


class TestRevokeDelegation:
    def test_revoking_ends_the_power_at_once(self, district):
        delegation = grant(district)
        assert Power.DECIDE_APPLICATIONS in roles.powers_over(district.principal, district.north)
        services.revoke_delegation(actor=district.superintendent, delegation=delegation, reason="Back from leave")
        principal = User.objects.get(pk=district.principal.pk)
        assert roles.powers_over(principal, district.north) == frozenset()
        assert AuditEvent.objects.filter(verb="delegation.revoked", reason="Back from leave").exists()

    def test_needs_a_reason_and_the_superintendent(self, district):
        delegation = grant(district)
        with pytest.raises(services.PeopleError):
            services.revoke_delegation(actor=district.superintendent, delegation=delegation, reason=" ")
        with pytest.raises(services.PeopleError):
            services.revoke_delegation(actor=district.designee, delegation=delegation, reason="Mine now")

    def test_twice_is_refused(self, district):
        delegation = grant(district)
        services.revoke_delegation(actor=district.superintendent, delegation=delegation, reason="Done")
        with pytest.raises(services.PeopleError, match="already"):
            services.revoke_delegation(actor=district.superintendent, delegation=delegation, reason="Again")


class TestPowersOver:
    def test_the_superintendent_holds_every_power_everywhere(self, district):
        assert roles.powers_over(district.superintendent, district.south) == frozenset(Power.values)

    def test_a_subtree_delegation_covers_the_subtree_only(self, district):
        program = OrgUnitFactory(code="ROBO", name="Robotics", kind=OrgUnit.Kind.PROGRAM, parent=district.north)
        grant(district, powers={Power.TRIAGE_CONCERNS})
        principal = User.objects.get(pk=district.principal.pk)
        assert roles.powers_over(principal, program) == {Power.TRIAGE_CONCERNS}
        assert roles.powers_over(principal, district.south) == frozenset()
        assert roles.powers_over(principal, district.district) == frozenset()

    def test_dates_bound_the_delegation(self, district):
        DelegationFactory(grantee=district.coach, granted_by=district.superintendent, scope=district.athletics,
                          starts_on=TODAY() + timedelta(days=2), ends_on=TODAY() + timedelta(days=9))
        DelegationFactory(grantee=district.coach, granted_by=district.superintendent, scope=district.south,
                          starts_on=TODAY() - timedelta(days=9), ends_on=TODAY() - timedelta(days=1))
        assert roles.powers_over(district.coach, district.athletics) == frozenset()
        assert roles.powers_over(district.coach, district.south) == frozenset()

    def test_nobody_else_holds_power(self, district):
        for persona in ["principal", "teacher", "coach", "contractor", "outsider", "admin"]:
            assert roles.powers_over(district.persona(persona), district.north) == frozenset(), persona

    def test_facts_are_read_once_per_request(self, district, django_assert_num_queries):
        user = User.objects.get(pk=district.designee.pk)
        with django_assert_num_queries(1):
            for unit in (district.north, district.south, district.athletics):
                roles.powers_over(user, unit)


class TestSupervisor:
    def test_supervisor_is_derived_from_hr_data(self, district):
        assert roles.is_supervisor(district.principal)
        assert not roles.is_supervisor(district.teacher)

    def test_site_manager_relevant_supervisor_is_the_direct_active_one(self, district):
        """R-III-E: escrow access goes to the site manager's own supervisor."""
        assert roles.is_site_manager_supervisor(district.principal, district.teacher)
        assert not roles.is_site_manager_supervisor(district.superintendent, district.teacher)  # not direct
        assert not roles.is_site_manager_supervisor(district.outsider, district.teacher)
        district.principal.is_active = False
        assert not roles.is_site_manager_supervisor(district.principal, district.teacher)

    def test_nobody_supervises_themselves(self, district):
        district.teacher.supervisor = district.teacher
        with pytest.raises(IntegrityError), transaction.atomic():
            district.teacher.save()


def test_email_is_the_login_and_is_stored_lower_case(db):
    user = User.objects.create_user("Mixed.Case@Example.ORG", password="x" * 12, full_name="Mixed Case")
    assert user.email == "mixed.case@example.org"
    assert UserFactory.build().USERNAME_FIELD == "email"


@pytest.mark.parametrize("name,short", [("Dr. Lena Ortiz", "Lena"), ("Tess Teacher", "Tess"), ("Ms Kay", "Kay"), ("", "x@example.org")])
def test_short_name_skips_honorifics(name, short):
    assert User(full_name=name, email="x@example.org").get_short_name() == short
