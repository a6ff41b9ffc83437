"""Applications (R-V-B, Policy 4038 §V.B) and the rules of §III checked on them:
R-III-A (protected names, one handle per platform), R-III-C/R-III-D (classes, activities
and teams on public platforms), R-III-E (site manager), R-III-G (attestations), R-III-H
(age limits). Services first; the pages are in tests/test_approval_pages.py.
"""

import pytest

from accounts.models import OfficialAccount, Platform, ProtectedName
from approvals import selectors, services
from approvals.models import Application
from audits.models import AuditEvent
from mps_social.permissions import has_perm
from notifications.models import OutboxMessage
from people.models import OrgUnit, User

from .factories import DelegationFactory, UserFactory

Status = Application.Status
ATTESTED = {"attests_network_use": True, "attests_platform_rules": True, "attests_disclosure": True}


def form_data(district, **overrides) -> dict:
    """A complete, valid application from the teacher for North High."""
    data = {
        "org_unit": district.north,
        "purpose": Application.Purpose.SCHOOL_INFO,
        "platform": Platform.objects.get(slug="instagram"),
        "handle": "northhigh_news",
        "display_name": "North High News",
        "audience": Application.Audience.PARENTS,
        "content_plan": "Newsletters and event reminders.",
        "moderation_plan": "Comments reviewed daily by the site manager.",
        "site_manager": district.teacher,
        **ATTESTED,
    }
    data.update(overrides)
    return data


def sent(district, applicant=None, **overrides) -> Application:
    return services.submit(actor=applicant or district.teacher, data=form_data(district, **overrides))


def refusal(call, **kwargs) -> dict:
    with pytest.raises(services.ApplicationError) as caught:
        call(**kwargs)
    return caught.value.errors


def events(application) -> list[str]:
    return list(AuditEvent.objects.filter(target_type="approvals.application", target_id=str(application.pk))
                .order_by("pk").values_list("verb", flat=True))


def in_state(district, status) -> Application:
    """The teacher's application for North High, driven to ``status`` by the services."""
    if status == Status.DRAFT:
        return services.save_draft(actor=district.teacher, data=form_data(district))
    application = sent(district)
    if status == Status.SUBMITTED:
        return application
    if status == Status.WITHDRAWN:
        return services.withdraw(actor=district.teacher, application=application)
    if status == Status.CHANGES_REQUESTED:
        return services.request_changes(actor=district.principal, application=application, reason="More detail.")
    application = services.endorse(actor=district.principal, application=application)
    if status == Status.ENDORSED:
        return application
    if status == Status.APPROVED:
        return services.approve(actor=district.superintendent, application=application)
    return services.reject(actor=district.superintendent, application=application, reason="Not needed.")


# --- sending -------------------------------------------------------------------------------


class TestSending:
    def test_r_v_b_a_draft_may_be_incomplete(self, district):
        draft = services.save_draft(actor=district.teacher, data={"display_name": "Half an idea"})
        assert draft.status == Status.DRAFT and draft.applicant == district.teacher
        assert events(draft) == ["application.drafted"]
        assert "platform" in services.problems(draft)

    def test_r_v_b_sending_goes_to_the_supervisor(self, district):
        application = sent(district)
        assert application.status == Status.SUBMITTED
        assert application.endorser == district.principal and application.submitted_at
        assert events(application) == ["application.submitted"]
        mail = OutboxMessage.objects.get(template="application_update", recipient=district.principal)
        assert mail.subject.startswith("Please endorse: North High News")

    def test_sending_is_all_or_nothing(self, district):
        """A refused send saves nothing, not even a new draft (one transaction per action)."""
        refusal(services.submit, actor=district.teacher, data=form_data(district, audience=""))
        assert not Application.objects.exists() and not AuditEvent.objects.filter(verb__startswith="application").exists()

    def test_the_edits_of_a_resend_are_in_its_event(self, district):
        application = in_state(district, Status.CHANGES_REQUESTED)
        application = services.submit(actor=district.teacher, application=application,
                                      data=form_data(district, moderation_plan="Two moderators, checked hourly."))
        event = AuditEvent.objects.filter(verb="application.resubmitted").get()
        assert event.before["moderation_plan"] == "Comments reviewed daily by the site manager."
        assert event.after == {"moderation_plan": "Two moderators, checked hourly.", "status": Status.SUBMITTED}

    def test_nobody_above_the_applicant_means_straight_to_a_decision(self, district):
        """The outsider has no supervisor: the application waits for a decision, and the
        superintendent's office is told."""
        application = sent(district, applicant=district.outsider, org_unit=district.south, site_manager=district.outsider,
                           handle="south_news")
        assert application.status == Status.ENDORSED and application.endorser is None
        told = set(OutboxMessage.objects.filter(template="application_update").values_list("to", flat=True))
        assert told == {district.superintendent.email, district.designee.email}

    def test_the_chain_stops_below_the_superintendent(self, district):
        """The coach reports to the superintendent, whose endorsement would repeat the decision."""
        application = sent(district, applicant=district.coach, org_unit=district.athletics, site_manager=district.coach,
                           handle="ath_news")
        assert application.status == Status.ENDORSED and application.endorser is None

    def test_a_supervisor_who_is_the_site_manager_is_passed_over(self, district):
        """Separation of duties: the principal, proposed as site manager, cannot endorse;
        the principal's own supervisor does."""
        director = UserFactory(org_unit=district.district, supervisor=district.superintendent)
        User.objects.filter(pk=district.principal.pk).update(supervisor=director)
        district.teacher.refresh_from_db()
        application = sent(district, site_manager=district.principal)
        assert application.endorser == director

    def test_the_superintendents_own_application_waits_for_a_designee(self, district):
        application = sent(district, applicant=district.superintendent, org_unit=district.district,
                           site_manager=district.superintendent, handle="district_news")
        assert application.status == Status.ENDORSED
        refusal(services.approve, actor=district.superintendent, application=application)
        approved = services.approve(actor=district.designee, application=application)
        assert approved.status == Status.APPROVED and approved.decided_by == district.designee

    def test_only_for_ones_own_unit_or_one_inside_it(self, district):
        errors = refusal(services.submit, actor=district.teacher, data=form_data(district, org_unit=district.south))
        assert "org_unit" in errors
        errors = refusal(services.save_draft, actor=district.teacher, data={"org_unit": district.south})
        assert "org_unit" in errors

    def test_what_must_be_there(self, district):
        errors = refusal(services.submit, actor=district.teacher, data={"display_name": "Almost nothing"})
        for field in ("org_unit", "purpose", "platform", "handle", "audience", "content_plan", "moderation_plan",
                      "site_manager"):
            assert field in errors, field

    def test_r_iii_g_every_attestation_is_needed(self, district):
        errors = refusal(services.submit, actor=district.teacher,
                         data=form_data(district, attests_network_use=False, attests_disclosure=False))
        assert "6415" in errors["attests_network_use"][0] and "§III.G" in errors["attests_network_use"][0]
        assert "attests_disclosure" in errors and "attests_platform_rules" not in errors

    def test_another_purpose_says_which(self, district):
        errors = refusal(services.submit, actor=district.teacher,
                         data=form_data(district, purpose=Application.Purpose.OTHER))
        assert "purpose_other" in errors


# --- the rules of §III --------------------------------------------------------------------


class TestRules:
    def test_r_iii_h_an_audience_younger_than_the_platform_admits_is_refused(self, district):
        errors = refusal(services.submit, actor=district.teacher, data=form_data(
            district, audience=Application.Audience.STUDENTS, grade_band=Application.GradeBand.MIDDLE))
        assert "§III.H" in errors["grade_band"][0] and "13" in errors["grade_band"][0]

    def test_r_iii_h_the_youngest_age_given_counts(self, district):
        errors = refusal(services.submit, actor=district.teacher, data=form_data(
            district, audience=Application.Audience.STUDENTS, grade_band=Application.GradeBand.HIGH, youngest_age=12))
        assert "youngest_age" in errors
        ok = sent(district, audience=Application.Audience.STUDENTS, grade_band=Application.GradeBand.HIGH)
        assert ok.youngest_audience_age == 14

    def test_r_iii_h_a_district_platform_serves_any_age(self, district):
        application = sent(district, platform=Platform.objects.get(slug="mps-moodle"), handle="north-grade6",
                           audience=Application.Audience.STUDENTS, grade_band=Application.GradeBand.ELEMENTARY,
                           purpose=Application.Purpose.CLASS)
        assert application.status == Status.SUBMITTED

    def test_r_iii_d_a_class_on_a_public_platform_needs_a_written_reason(self, district):
        errors = refusal(services.submit, actor=district.teacher,
                         data=form_data(district, purpose=Application.Purpose.CLASS))
        assert "§III.D" in errors["public_justification"][0]
        application = sent(district, purpose=Application.Purpose.ATHLETICS,
                           public_justification="Families follow the team there.")
        assert application.needs_public_authorization

    def test_r_iii_c_the_decider_must_authorize_it_explicitly(self, district):
        application = sent(district, purpose=Application.Purpose.STUDENT_ACTIVITY,
                           public_justification="Families follow the club there.")
        application = services.endorse(actor=district.principal, application=application)
        errors = refusal(services.approve, actor=district.designee, application=application)
        assert "§III.C" in errors["public_use_authorized"][0]
        approved = services.approve(actor=district.designee, application=application, public_use_authorized=True)
        assert approved.public_use_authorized
        assert AuditEvent.objects.get(verb="application.approved").after["public_use_authorized"] is True

    def test_r_iii_a_another_units_name_is_shown_and_needs_an_override(self, district):
        ProtectedName.objects.create(name="South High School", kind=ProtectedName.Kind.SCHOOL, owner=district.south)
        application = sent(district, handle="SouthHS_Fans", display_name="Fans")
        assert [m.name.name for m in services.name_matches(application)] == ["South High School"]
        application = services.endorse(actor=district.principal, application=application)
        errors = refusal(services.approve, actor=district.designee, application=application)
        assert "South High School" in errors["name_override_reason"][0] and "§III.A" in errors["name_override_reason"][0]
        approved = services.approve(actor=district.designee, application=application,
                                    name_override_reason="A joint North–South booster club.")
        assert approved.name_override_reason == "A joint North–South booster club."
        assert AuditEvent.objects.get(verb="application.approved").after["name_override"] == ["South High School"]

    @pytest.mark.parametrize("handle,display_name", [
        ("south_high_school", "x"), ("SOUTHHIGHSCHOOL", "x"), ("southhs", "x"), ("south.high", "x"),
        ("x", "South  High-School!"), ("x", "Sóuth High"),
    ])
    def test_r_iii_a_names_are_folded(self, district, handle, display_name):
        """Case, spacing, punctuation, accents and the common abbreviations are folded."""
        ProtectedName.objects.create(name="South High School", kind=ProtectedName.Kind.SCHOOL, owner=district.south)
        application = services.save_draft(actor=district.teacher, data=form_data(
            district, handle=handle, display_name=display_name))
        assert [m.name.name for m in services.name_matches(application)] == ["South High School"]

    def test_r_iii_a_a_units_own_name_and_its_parents_are_its_to_use(self, district):
        ProtectedName.objects.create(name="North High School", kind=ProtectedName.Kind.SCHOOL, owner=district.north)
        ProtectedName.objects.create(name="Test District", kind=ProtectedName.Kind.DISTRICT, owner=district.district)
        application = services.save_draft(actor=district.teacher, data=form_data(
            district, handle="northhs", display_name="Test District: North High"))
        assert services.name_matches(application) == []

    def test_r_iii_a_a_registered_handle_is_refused(self, district):
        in_state(district, Status.APPROVED)
        errors = refusal(services.submit, actor=district.teacher,
                         data=form_data(district, handle="https://www.instagram.com/NorthHigh_News/?hl=en"))
        assert "already registered" in errors["handle"][0]

    def test_r_iii_a_an_existing_address_must_be_that_account(self, district):
        errors = refusal(services.submit, actor=district.teacher, data=form_data(
            district, existing_url="https://www.instagram.com/someone_else/"))
        assert "existing_url" in errors
        application = sent(district, existing_url="instagram.com/northhigh_news")
        assert application.status == Status.SUBMITTED

    @pytest.mark.parametrize("who", ["contractor", "inactive"])
    def test_r_iii_e_the_site_manager_is_an_active_employee(self, district, who):
        person = district.contractor
        if who == "inactive":
            person = UserFactory(org_unit=district.north, is_active=False)
        errors = refusal(services.submit, actor=district.teacher, data=form_data(district, site_manager=person))
        assert "site_manager" in errors

    def test_the_rules_are_checked_again_at_the_decision(self, district):
        """The site manager left between the endorsement and the decision."""
        application = in_state(district, Status.ENDORSED)
        User.objects.filter(pk=district.teacher.pk).update(is_active=False)
        errors = refusal(services.approve, actor=district.designee, application=application)
        assert errors[None] and not OfficialAccount.objects.exists()


# --- the transition table, persona by persona ---------------------------------------------

ACTIONS = {
    "endorse": lambda user, a: services.endorse(actor=user, application=a),
    "request_changes": lambda user, a: services.request_changes(actor=user, application=a, reason="Change it."),
    "approve": lambda user, a: services.approve(actor=user, application=a),
    "reject": lambda user, a: services.reject(actor=user, application=a, reason="No."),
    "withdraw": lambda user, a: services.withdraw(actor=user, application=a),
    "edit": lambda user, a: services.save_draft(actor=user, application=a, data={"content_plan": "New plan."}),
}
OFFICE = {"superintendent", "designee"}
# status → action → the personas who may, and the status that follows
ALLOWED = {
    Status.DRAFT: {"withdraw": ({"teacher"}, Status.WITHDRAWN), "edit": ({"teacher"}, Status.DRAFT)},
    Status.SUBMITTED: {"endorse": ({"principal"}, Status.ENDORSED),
                       "request_changes": ({"principal"}, Status.CHANGES_REQUESTED),
                       "withdraw": ({"teacher"}, Status.WITHDRAWN)},
    Status.ENDORSED: {"approve": (OFFICE, Status.APPROVED), "reject": (OFFICE, Status.REJECTED),
                      "request_changes": (OFFICE, Status.CHANGES_REQUESTED),
                      "withdraw": ({"teacher"}, Status.WITHDRAWN)},
    Status.CHANGES_REQUESTED: {"withdraw": ({"teacher"}, Status.WITHDRAWN),
                               "edit": ({"teacher"}, Status.CHANGES_REQUESTED)},
    Status.APPROVED: {},
    Status.REJECTED: {},
    Status.WITHDRAWN: {},
}
PEOPLE = ["superintendent", "designee", "principal", "teacher", "coach", "contractor", "outsider", "admin"]


@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("persona", PEOPLE)
def test_r_v_b_every_transition_for_every_persona(district, status, action, persona):
    application = in_state(district, status)
    allowed, following = ALLOWED[status].get(action, (set(), None))
    before, everything = len(events(application)), AuditEvent.objects.count()
    user = district.persona(persona)
    if persona in allowed:
        changed = ACTIONS[action](user, application)
        assert changed.status == following
        assert len(events(application)) == before + 1  # one transition, one event (an approval adds the account's)
    else:
        with pytest.raises(services.ApplicationError):
            ACTIONS[action](user, application)
        application.refresh_from_db()
        assert application.status == status and AuditEvent.objects.count() == everything


# --- deciding ------------------------------------------------------------------------------


class TestDeciding:
    def test_r_v_b_approval_establishes_the_account_pending_setup(self, district):
        application = services.approve(actor=district.designee, application=in_state(district, Status.ENDORSED),
                                       conditions="No student names.")
        account = application.account
        assert account.status == OfficialAccount.Status.PENDING_SETUP
        assert account.origin == OfficialAccount.Origin.APPLICATION
        assert account.designations.current().get().person == district.teacher
        assert (account.handle, account.org_unit, account.display_name) == ("northhigh_news", district.north,
                                                                            "North High News")
        assert events(application)[-1] == "application.approved"
        assert AuditEvent.objects.filter(verb="account.established", target_id=str(account.pk)).exists()
        mail = OutboxMessage.objects.get(recipient=district.teacher, subject__startswith="Approved:")
        assert "No student names." in mail.body_text

    def test_a_rejection_and_a_return_need_a_reason(self, district):
        application = in_state(district, Status.ENDORSED)
        assert "reason" in refusal(services.reject, actor=district.designee, application=application, reason=" ")
        assert "reason" in refusal(services.request_changes, actor=district.designee, application=application,
                                   reason="")

    def test_separation_of_duties_no_decision_on_an_application_naming_you(self, district):
        application = sent(district, applicant=district.designee, org_unit=district.district,
                           site_manager=district.designee, handle="district_social")
        refusal(services.approve, actor=district.designee, application=application)
        other = sent(district, site_manager=district.designee, handle="north_two")
        other = services.endorse(actor=district.principal, application=other)
        refusal(services.approve, actor=district.designee, application=other)
        assert services.approve(actor=district.superintendent, application=other).status == Status.APPROVED

    @pytest.mark.parametrize("role", ["applicant", "site_manager"])
    @pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
    def test_r_v_b_no_decision_by_the_applicant_or_the_proposed_site_manager(self, district, role, action):
        """The designee may decide for the whole district, but not an application they
        wrote or that names them site manager: the permission says no, and so does the
        service called directly; the superintendent decides it instead."""
        if role == "applicant":
            application = sent(district, applicant=district.designee, org_unit=district.district,
                               handle="district_social", site_manager=district.teacher)
        else:
            application = services.endorse(actor=district.principal,
                                           application=sent(district, site_manager=district.designee))
        assert application.status == Status.ENDORSED
        assert not has_perm(district.designee, "approvals.decide_application", application)
        assert has_perm(district.superintendent, "approvals.decide_application", application)
        everything = AuditEvent.objects.count()
        refusal(ACTIONS[action], user=district.designee, a=application)
        application.refresh_from_db()
        assert application.status == Status.ENDORSED and AuditEvent.objects.count() == everything
        assert not OfficialAccount.objects.exists()
        assert ACTIONS[action](district.superintendent, application).status == ALLOWED[Status.ENDORSED][action][1]

    @pytest.mark.parametrize("role", ["applicant", "site_manager"])
    @pytest.mark.parametrize("action", ["endorse", "request_changes"])
    def test_r_v_b_no_endorsement_by_the_applicant_or_the_proposed_site_manager(self, district, role, action):
        """``endorser_for`` never names an involved person; should the named endorser
        become one (a roster change, a correction in the database), the permission and
        the service still refuse them."""
        application = sent(district)
        Application.objects.filter(pk=application.pk).update(
            **{"applicant" if role == "applicant" else "site_manager": district.principal})
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED and application.endorser == district.principal
        assert not has_perm(district.principal, "approvals.endorse_application", application)
        everything = AuditEvent.objects.count()
        refusal(ACTIONS[action], user=district.principal, a=application)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED and AuditEvent.objects.count() == everything

    def test_a_designee_decides_only_inside_their_delegation_today(self, district):
        south_designee = UserFactory(org_unit=district.south)
        DelegationFactory(grantee=south_designee, scope=district.south, decide_applications=True)
        application = in_state(district, Status.ENDORSED)
        refusal(services.approve, actor=south_designee, application=application)

    def test_a_revoked_delegation_no_longer_decides(self, district):
        from people.models import Delegation
        from people.services import revoke_delegation

        application = in_state(district, Status.ENDORSED)
        revoke_delegation(actor=district.superintendent, delegation=Delegation.objects.get(grantee=district.designee),
                          reason="Left the role.")
        designee = User.objects.get(pk=district.designee.pk)  # a new request: no cached roles
        refusal(services.approve, actor=designee, application=application)

    def test_a_late_decider_is_told_who_decided(self, district):
        """Two deciders open the same page; the second acts on a stale copy and is told,
        with no second decision and no second account."""
        application = in_state(district, Status.ENDORSED)
        stale = Application.objects.get(pk=application.pk)
        services.approve(actor=district.designee, application=application)
        errors = refusal(services.reject, actor=district.superintendent, application=stale, reason="No.")
        assert "Dee Signee already approved this application" in errors[None][0]
        assert OfficialAccount.objects.count() == 1
        assert events(application).count("application.approved") == 1
        assert "application.rejected" not in events(application)

    def test_comments_reach_the_others(self, district):
        application = in_state(district, Status.SUBMITTED)
        services.add_comment(actor=district.principal, application=application, body="Who moderates on weekends?")
        told = OutboxMessage.objects.filter(template="application_update", subject__startswith="New comment")
        assert list(told.values_list("to", flat=True)) == [district.teacher.email]
        refusal(services.add_comment, actor=district.outsider, application=application, body="Hi")

    def test_the_timeline_shows_every_step_and_what_changed(self, district):
        from approvals.selectors import timeline

        application = in_state(district, Status.CHANGES_REQUESTED)
        services.add_comment(actor=district.teacher, application=application, body="Done, see the plan.")
        services.submit(actor=district.teacher, application=application,
                        data=form_data(district, moderation_plan="Hourly."))
        entries = timeline(application)
        assert [entry.get("what", "comment") for entry in entries] == [
            "Sent the application", "Asked for changes", "comment", "Sent the application again"]
        assert entries[-1]["changes"] == [{"field": "Moderation plan", "before": "Comments reviewed daily by the "
                                           "site manager.", "after": "Hourly."}]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_deciders_at_once_make_exactly_one_decision(district):
    """R-V-B: the designee approves while the superintendent rejects, at the same moment,
    each in their own connection. The row lock makes one wait for the other: exactly one
    decision, one account at most, and the other is told who decided."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (CI runs it); on SQLite, writers queue for the database's one write "
                    "lock, and test_a_late_decider_is_told_who_decided covers the same guard")
    application = in_state(district, Status.ENDORSED)
    start = threading.Barrier(2)
    results = []

    def decide(call):
        try:
            start.wait()
            results.append(call())
        except services.ApplicationError as error:
            results.append(error)
        finally:
            connection.close()  # this thread's own connection

    calls = [
        lambda: services.approve(actor=User.objects.get(pk=district.designee.pk), application=application),
        lambda: services.reject(actor=User.objects.get(pk=district.superintendent.pk), application=application,
                                reason="Not now."),
    ]
    threads = [threading.Thread(target=decide, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    decided = [result for result in results if isinstance(result, Application)]
    refused = [result for result in results if isinstance(result, services.ApplicationError)]
    assert len(decided) == 1 and len(refused) == 1, results
    assert "already" in refused[0].message
    application.refresh_from_db()
    assert application.status == decided[0].status
    assert len([verb for verb in events(application) if verb in ("application.approved", "application.rejected")]) == 1
    assert OfficialAccount.objects.count() == (1 if application.status == Status.APPROVED else 0)


def test_the_navigation_counts_what_each_queue_lists(district):
    """The navigation's counts (both in one query, ``approvals.selectors._waiting``) are
    the lengths of the endorsement and decision queues, for every persona and scope:
    another unit's application and one proposing the decider as site manager are not
    theirs to decide (R-V-B)."""
    north_designee = UserFactory(email="north.designee@example.org", org_unit=district.north)
    DelegationFactory(grantee=north_designee, granted_by=district.superintendent, scope=district.north,
                      decide_applications=True)
    for n in range(2):
        sent(district, handle=f"north_waiting_{n}", display_name=f"North Waiting {n}")
    endorsed = [services.endorse(actor=district.principal, application=sent(
        district, handle=f"north_endorsed_{n}", display_name=f"North Endorsed {n}")) for n in range(3)]
    Application.objects.filter(pk=endorsed[0].pk).update(org_unit=district.south)
    Application.objects.filter(pk=endorsed[1].pk).update(site_manager=north_designee)

    counts = {}
    for person in (district.superintendent, district.designee, district.principal, district.teacher, north_designee):
        person = User.objects.get(pk=person.pk)  # no facts kept from an earlier read
        counts[person.email] = (selectors.endorsement_count(person), selectors.decision_count(person))
        assert counts[person.email] == (selectors.awaiting_endorsement(person).count(),
                                        selectors.awaiting_decision(person).count()), person.email
    assert counts[district.principal.email] == (2, 0)
    assert counts[north_designee.email] == (0, 1)
    assert counts[district.superintendent.email] == (0, 3)
