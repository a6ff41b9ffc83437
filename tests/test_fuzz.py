"""Every kind of input, thrown at the forms people fill in (issue [hardening]): whatever
arrives, the answer is a page or a redirect, never a server error, and a refused form
leaves nothing half-saved.

Hypothesis generates the values: any text (control characters, surrogates escaped,
right-to-left marks, very long strings), numbers written as words, empty fields.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approvals.models import Application
from concerns.models import ConcernReport

anything = st.one_of(st.text(max_size=300), st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
                     st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "@", "=cmd|'/C calc'!A0",
                                      "https://www.instagram.com/x/?a=1", "<script>alert(1)</script>"]))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

APPLICATION_FIELDS = ["org_unit", "purpose", "purpose_other", "platform", "handle", "display_name", "existing_url",
                      "audience", "grade_band", "youngest_age", "content_plan", "moderation_plan",
                      "public_justification", "site_manager", "attests_network_use", "action"]


@FUZZ
@given(values=st.fixed_dictionaries({name: anything for name in APPLICATION_FIELDS}))
def test_the_application_form_never_errors(client_for, values):
    before = Application.objects.count()
    response = client_for("teacher").post(reverse("approvals:new"), values)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert Application.objects.count() == before  # refused: nothing saved


@FUZZ
@given(values=st.fixed_dictionaries({name: anything for name in ["kind", "link", "description", "reporter_email"]}))
def test_the_concern_form_never_errors(client, district, values):
    before = ConcernReport.objects.count()
    response = client.post(reverse("concerns:report"), values)
    assert response.status_code in (200, 302, 429), response.status_code
    if response.status_code != 302:
        assert ConcernReport.objects.count() == before


@FUZZ
@given(query=anything)
def test_verify_and_the_directory_answer_any_query(client, district, query):
    for url in (reverse("verify"), reverse("directory")):
        response = client.get(url, {"q": query, "format": "json" if url == reverse("verify") else ""})
        assert response.status_code in (200, 400), (url, response.status_code)


@pytest.fixture
def client_for(client_for):  # noqa: F811 - the persona clients, shared across examples
    clients = {}

    def make(persona):
        if persona not in clients:
            clients[persona] = client_for(persona)
        return clients[persona]

    return make
