"""The superintendent's delegation pages: forms keep what was typed, lists stay cheap."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from people.models import Delegation, Power

from .factories import DelegationFactory, UserFactory
from .queries import assert_constant_queries

URL = reverse("people:grant_delegation")


def form_data(district, **overrides):
    data = {
        "grantee": district.principal.email,
        "scope": district.north.pk,
        "powers": [Power.DECIDE_APPLICATIONS, Power.TRIAGE_CONCERNS],
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "reason": "Spring semester cover",
    }
    data.update(overrides)
    return data


def test_grant_through_the_page(district, client_for):
    response = client_for("superintendent").post(URL, form_data(district))
    assert response.status_code == 302
    delegation = Delegation.objects.get(grantee=district.principal)
    assert delegation.powers == {Power.DECIDE_APPLICATIONS, Power.TRIAGE_CONCERNS}


def test_a_rule_refusal_shows_beside_its_field_and_keeps_the_input(district, client_for):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for("superintendent").post(URL, form_data(district, starts_on=yesterday))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["starts_on"] == ["A delegation cannot start in the past."]
    html = response.content.decode()
    assert 'id="id_starts_on_error"' in html and 'aria-invalid="true"' in html
    assert "Spring semester cover" in html  # nothing typed is lost
    assert not Delegation.objects.filter(grantee=district.principal).exists()


def test_missing_fields_are_named(district, client_for):
    response = client_for("superintendent").post(URL, {"reason": "kept"})
    assert set(response.context["form"].errors) == {"grantee", "scope", "powers", "starts_on", "ends_on"}
    assert "kept" in response.content.decode()


def test_garbage_input_never_errors(district, client_for):
    response = client_for("superintendent").post(
        URL, {"grantee": "x' OR 1=1", "scope": "-1", "powers": ["root"], "starts_on": "31/31/31", "ends_on": "\x00"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_revoke_through_the_page(district, client_for):
    delegation = Delegation.objects.get(grantee=district.designee)
    url = reverse("people:revoke_delegation", args=[delegation.pk])
    response = client_for("superintendent").post(url, {"reason": "Reorganisation"}, follow=True)
    assert "has ended" in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None and delegation.revoke_reason == "Reorganisation"


def test_revoke_a_missing_delegation_is_404(district, client_for):
    url = reverse("people:revoke_delegation", args=[999999])
    assert client_for("superintendent").post(url, {"reason": "x"}).status_code == 404


def test_the_delegation_list_runs_a_constant_number_of_queries(district, client_for):
    def grow(count):
        for _ in range(count):
            DelegationFactory(grantee=UserFactory(org_unit=district.south), granted_by=district.superintendent,
                              scope=district.south)

    queries = assert_constant_queries(client_for("superintendent"), reverse("people:delegations"), grow, 5, 60)
    assert queries <= 10
