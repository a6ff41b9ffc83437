"""The application pages (R-V-B): the form keeps what was typed and says what is wrong
beside each field, the reviewers' forms, the queues' query counts, the navigation's
counts and the read-only admin."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import OfficialAccount, Platform
from approvals import services
from approvals.models import Application

from .a11y import assert_accessible
from .queries import assert_constant_queries
from .test_approvals import form_data, in_state

Status = Application.Status


def post_form(district, **overrides) -> dict:
    """The application form as a browser posts it."""
    data = form_data(district, **overrides)
    data["org_unit"] = data["org_unit"].pk
    data["platform"] = data["platform"].pk
    data["site_manager"] = data["site_manager"].email
    for name in ("attests_network_use", "attests_platform_rules", "attests_disclosure"):
        if data[name]:
            data[name] = "on"
        else:
            del data[name]
    return {key: value for key, value in data.items() if value is not None}


def field_errors(html: str, field: str) -> str:
    """The text of the error list Django renders beside ``field``."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


class TestTheForm:
    def test_the_form_is_in_sections_with_their_clauses(self, client_for):
        html = client_for("teacher").get(reverse("approvals:new")).content.decode()
        assert_accessible(html, "new application")
        for heading in ("Whom the account speaks for", "The account", "Its audience", "How it will be run",
                        "Its site manager", "What you confirm"):
            assert heading in html
        assert "§III.D" in html and "§III.H" in html and "6415" in html
        assert "Instagram: public, ages 13 and over" in html
        assert "MPS Moodle: district-approved, password-protected" in html

    def test_r_legal_the_form_guides_on_coppa_cipa_and_copyright(self, district, client_for):
        """R-LEGAL: the laws the policy names are guidance on the form; COPPA is also enforced
        (R-III-H: an audience below the platform's age is refused)."""
        html = client_for("teacher").get(reverse("approvals:new")).content.decode()
        for law in ("COPPA", "CIPA", "Copyright"):
            assert law in html
        assert "under COPPA most admit nobody under 13" in html
        assert "credit its authors" in html and "filters what students reach" in html

    def test_r_iii_h_bad_input_keeps_what_was_typed_and_says_why_beside_the_field(self, district, client_for):
        data = post_form(district, audience=Application.Audience.STUDENTS, grade_band=Application.GradeBand.MIDDLE,
                         content_plan="Robotics <b>build</b> logs & results")
        response = client_for("teacher").post(reverse("approvals:new"), {**data, "action": "submit"})
        html = response.content.decode()
        assert response.status_code == 200 and not Application.objects.exists()
        assert "§III.H" in field_errors(html, "grade_band")
        assert 'value="northhigh_news"' in html
        assert "Robotics &lt;b&gt;build&lt;/b&gt; logs &amp; results</textarea>" in html
        assert 'value="teacher@example.org"' in html
        assert re.search(r'<option value="middle" selected>', html)
        assert_accessible(html, "refused application")

    def test_sending_with_fields_missing_names_each(self, client_for):
        response = client_for("teacher").post(reverse("approvals:new"), {"display_name": "Only this",
                                                                         "action": "submit"})
        html = response.content.decode()
        assert "§III.E" in field_errors(html, "site_manager")
        assert "6415" in field_errors(html, "attests_network_use")
        assert 'value="Only this"' in html

    def test_a_draft_saves_with_anything_missing(self, district, client_for):
        response = client_for("teacher").post(reverse("approvals:new"), {"display_name": "Later", "action": "save"})
        draft = Application.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("approvals:edit", args=[draft.pk])
        assert draft.status == Status.DRAFT and draft.display_name == "Later"

    def test_an_unknown_site_manager_is_said_beside_the_field(self, district, client_for):
        data = {**post_form(district), "site_manager": "nobody@example.org", "action": "submit"}
        html = client_for("teacher").post(reverse("approvals:new"), data).content.decode()
        assert "roster" in field_errors(html, "site_manager")

    def test_sending_goes_to_the_page_with_who_is_next(self, district, client_for):
        client = client_for("teacher")
        response = client.post(reverse("approvals:new"), {**post_form(district), "action": "submit"})
        application = Application.objects.get()
        assert response["Location"] == reverse("approvals:detail", args=[application.pk])
        assert "waits for Pat Principal" in [str(m) for m in get_messages(response.wsgi_request)][0]
        html = client.get(response["Location"]).content.decode()
        assert "Waiting for Pat Principal to endorse it." in html and "Sent the application" in html
        assert_accessible(html, "application page")

    def test_a_returned_application_is_edited_and_sent_again(self, district, client_for):
        application = in_state(district, Status.CHANGES_REQUESTED)
        client = client_for("teacher")
        html = client.get(reverse("approvals:edit", args=[application.pk])).content.decode()
        assert "Changes asked for by Pat Principal" in html and "More detail." in html
        data = {**post_form(district, moderation_plan="Two moderators."), "action": "submit"}
        client.post(reverse("approvals:edit", args=[application.pk]), data)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED and application.moderation_plan == "Two moderators."

    def test_protected_names_are_shown_to_the_applicant(self, district, client_for):
        from accounts.models import ProtectedName

        ProtectedName.objects.create(name="South Stars", kind=ProtectedName.Kind.TEAM, owner=district.south)
        draft = services.save_draft(actor=district.teacher, data=form_data(district, handle="southstars_north"))
        html = client_for("teacher").get(reverse("approvals:edit", args=[draft.pk])).content.decode()
        assert "“South Stars” belongs to South High School" in html and "§III.A" in html


class TestReviewing:
    def test_the_principal_endorses_from_the_page(self, district, client_for):
        application = in_state(district, Status.SUBMITTED)
        client = client_for("principal")
        html = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
        assert "Your endorsement" in html and "Endorse it" in html and "Reject it" not in html
        response = client.post(reverse("approvals:review", args=[application.pk]),
                               {"decision": "endorse", "reason": "Good plan."})
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.status == Status.ENDORSED

    def test_asking_for_changes_without_saying_what_keeps_the_form(self, district, client_for):
        application = in_state(district, Status.ENDORSED)
        response = client_for("designee").post(reverse("approvals:review", args=[application.pk]),
                                               {"decision": "changes", "reason": ""})
        assert response.status_code == 200
        assert "Say what should change." in field_errors(response.content.decode(), "reason")
        application.refresh_from_db()
        assert application.status == Status.ENDORSED

    def test_r_iii_c_the_authorization_box_appears_when_needed(self, district, client_for):
        application = services.endorse(actor=district.principal, application=services.submit(
            actor=district.teacher, data=form_data(district, purpose=Application.Purpose.ATHLETICS,
                                                   public_justification="Families follow the team there.")))
        client = client_for("designee")
        html = client.get(reverse("approvals:detail", args=[application.pk])).content.decode()
        assert "I authorize a public account for this educational use" in html
        response = client.post(reverse("approvals:review", args=[application.pk]), {"decision": "approve"})
        assert "§III.C" in field_errors(response.content.decode(), "public_use_authorized")
        client.post(reverse("approvals:review", args=[application.pk]),
                    {"decision": "approve", "public_use_authorized": "on"})
        application.refresh_from_db()
        assert application.status == Status.APPROVED
        assert application.account.status == OfficialAccount.Status.PENDING_SETUP

    def test_the_second_decider_is_told_not_shown_an_error(self, district, client_for):
        """Two deciders had the page open; the second one's POST arrives after the first's."""
        application = in_state(district, Status.ENDORSED)
        client_for("designee").post(reverse("approvals:review", args=[application.pk]), {"decision": "approve"})
        response = client_for("superintendent").post(reverse("approvals:review", args=[application.pk]),
                                                     {"decision": "reject", "reason": "No."})
        assert response.status_code == 302
        message = [str(m) for m in get_messages(response.wsgi_request)][0]
        assert message.startswith("Dee Signee already approved this application on")
        assert OfficialAccount.objects.count() == 1

    def test_the_applicant_withdraws(self, district, client_for):
        application = in_state(district, Status.SUBMITTED)
        response = client_for("teacher").post(reverse("approvals:withdraw", args=[application.pk]),
                                              {"reason": "We merged with the school's account."})
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.status == Status.WITHDRAWN

    def test_comments_show_on_the_timeline(self, district, client_for):
        application = in_state(district, Status.SUBMITTED)
        client = client_for("principal")
        client.post(reverse("approvals:comment", args=[application.pk]), {"body": "Who covers weekends?"})
        html = client_for("teacher").get(reverse("approvals:detail", args=[application.pk])).content.decode()
        assert "Who covers weekends?" in html and "Comment</strong> by Pat Principal" in html


# --- lists: constant queries, navigation counts -------------------------------------------


def _grow(district, status, **fields):
    """``grow(n)`` adds n applications in ``status`` straight to the database."""
    platform = Platform.objects.get(slug="instagram")
    made = [0]

    def grow(count):
        Application.objects.bulk_create([
            Application(applicant=district.teacher, org_unit=district.north, platform=platform, status=status,
                        display_name=f"Club {made[0] + n}", handle=f"club_{made[0] + n}",
                        site_manager=district.teacher, **fields)
            for n in range(count)
        ])
        made[0] += count

    return grow


@pytest.mark.parametrize("persona,url_name,status,fields", [
    ("teacher", "approvals:mine", Status.DRAFT, {}),
    ("principal", "approvals:endorsements", Status.SUBMITTED, {"endorser_id": "principal"}),
    ("designee", "approvals:decisions", Status.ENDORSED, {}),
])
def test_the_queues_cost_the_same_at_10_and_200(district, client_for, persona, url_name, status, fields):
    fields = {key: district.persona(value).pk for key, value in fields.items()}
    queries = assert_constant_queries(client_for(persona), reverse(url_name), _grow(district, status, **fields),
                                      small=10, large=200)
    assert queries <= 12


def test_the_navigation_counts_what_waits(district, client_for):
    _grow(district, Status.SUBMITTED, endorser_id=district.principal.pk)(3)
    html = client_for("principal").get("/").content.decode()
    assert re.search(r'Endorsements <span class="nav-count">3<span class="visually-hidden"> waiting', html)
    html = client_for("designee").get("/").content.decode()
    assert "Decisions</a>" in html and "nav-count" not in html


def test_the_admin_shows_applications_read_only_with_their_timeline(district, client_for):
    application = in_state(district, Status.ENDORSED)
    client = client_for("admin")
    html = client.get(reverse("admin:approvals_application_change", args=[application.pk])).content.decode()
    assert "Endorsed by Pat Principal" in html and "Sent the application by Tess Teacher" in html
    assert 'name="_save"' not in html
    assert client.get(reverse("admin:approvals_application_add")).status_code == 403
