"""Every kind of input, thrown at every form the portal serves (issue [hardening], item 4;
"bad input gets a clear message next to the field"): whatever arrives, the answer is a
page or a redirect, never a server error, and a refused form leaves nothing half-saved:
no row added or changed, no audit event, no mail queued.

Each form is posted through its real view by the persona allowed to post it. Hypothesis
generates the values from the form the page shows: any text (control characters,
right-to-left marks, very long strings), numbers written as words, empty fields, and,
half the time, a value the field accepts (a choice it offers, a colleague's email, a
date), so that the services behind the forms are reached and refuse too. GET filters
and the CSV exports behind them answer any query; the two uploads take any bytes.
"""

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import AnnualReview, Designation, OfficialAccount, Platform, ProtectedName
from approvals import services as approvals
from approvals.models import Application, Comment
from audits.models import AuditEvent
from concerns.models import ConcernNote, ConcernReport
from credentials.models import AccessGrant, CredentialVersion
from notifications.models import OutboxMessage
from people.models import Delegation, OrgUnit, User
from roster.models import RosterImport
from training.models import Acknowledgment, Choice, Completion, Course, PolicyDocument, PolicyVersion, Question

from .factories import DelegationFactory
from .test_approvals import in_state, sent
from .test_concerns import report_in
from .test_escrow import escrowed, pending, reauthenticated
from .test_registry import establish
from .test_roster import HEADER as ROSTER_HEADER
from .test_training import make_course, make_document

anything = st.one_of(st.text(max_size=300), st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
                     st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "@", "=cmd|'/C calc'!A0",
                                      "https://www.instagram.com/x/?a=1", "<script>alert(1)</script>"]))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Some forty forms, filters and uploads below: fewer examples each keeps the file under a minute.
FUZZ_EACH = settings(FUZZ, max_examples=25)


def sometimes(*valid) -> st.SearchStrategy:
    """A value the field accepts, or anything at all."""
    return st.one_of(st.sampled_from(valid), anything) if valid else anything


def _choices(field) -> list[str]:
    values = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):  # a group of choices
            values += [str(inner) for inner, _ in label]
        elif str(value) != "":
            values.append(str(value))
    return values


def values_for(field, initial) -> st.SearchStrategy:
    """What to post for ``field``: half the time something it accepts (``initial``, what
    the page showed in it, among them)."""
    shown = [] if initial in (None, "", []) else [str(initial)]
    today = timezone.localdate()
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return st.lists(sometimes(*_choices(field)), max_size=4)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return sometimes(*_choices(field))
    if isinstance(field, forms.EmailField):
        return sometimes(*shown, *User.objects.order_by("pk").values_list("email", flat=True))
    if isinstance(field, forms.DateField):
        return sometimes(*shown, *(str(today + timedelta(days=days)) for days in (-400, -1, 0, 1, 30, 400)))
    if isinstance(field, forms.IntegerField):
        return sometimes(*shown, "0", "12", "99")
    if isinstance(field, forms.BooleanField):
        return sometimes("on")
    return sometimes(*shown)


def form_values(response, context: str) -> st.SearchStrategy:
    """Every field of the form the page shows as ``context`` (an admin page's inline
    formsets too, their management forms kept as the page gave them)."""
    form = response.context[context]
    form = getattr(form, "form", form)  # the admin wraps its form
    strategies = {form.add_prefix(name): values_for(field, form[name].value()) for name, field in form.fields.items()}
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        strategies |= {formset.management_form.add_prefix(name): st.just(str(value))
                       for name, value in formset.management_form.initial.items()}
        for inline_form in formset.forms:
            strategies |= {inline_form.add_prefix(name): values_for(field, None)
                           for name, field in inline_form.fields.items()}
    return st.fixed_dictionaries(strategies)


def watched(*models) -> tuple:
    """What a refused post must leave as it was: the audit trail, the outbox, and every
    value of every row of ``models`` (an edited row counts as much as a new one)."""
    return (AuditEvent.objects.count(), OutboxMessage.objects.count(),
            *(list(model.objects.order_by("pk").values()) for model in models))


@pytest.fixture
def client_for(client_for):  # noqa: F811 - the persona clients, shared across examples
    clients = {}

    def make(persona):
        if persona not in clients:
            clients[persona] = client_for(persona)
        return clients[persona]

    return make


@pytest.fixture
def made():
    """What a test makes once and keeps for all its examples, by key."""
    kept = {}

    def get(key, make):
        if key not in kept:
            kept[key] = make()
        return kept[key]

    return get


# --- the forms that were fuzzed first ------------------------------------------------

APPLICATION_FIELDS = ["org_unit", "purpose", "purpose_other", "platform", "handle", "display_name", "existing_url",
                      "audience", "grade_band", "youngest_age", "content_plan", "moderation_plan",
                      "public_justification", "site_manager", "attests_network_use", "action"]


@FUZZ
@given(values=st.fixed_dictionaries({name: anything for name in APPLICATION_FIELDS}))
def test_the_application_form_never_errors(client_for, values):
    before = watched(Application)
    response = client_for("teacher").post(reverse("approvals:new"), values)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert watched(Application) == before  # refused: nothing saved


@FUZZ
@given(values=st.fixed_dictionaries({name: anything for name in ["kind", "link", "description", "reporter_email"]}))
def test_the_concern_form_never_errors(client, district, values):
    before = watched(ConcernReport)
    response = client.post(reverse("concerns:report"), values)
    assert response.status_code in (200, 302, 429), response.status_code
    if response.status_code != 302:
        assert watched(ConcernReport) == before


@FUZZ
@given(query=anything)
def test_verify_and_the_directory_answer_any_query(client, district, query):
    for url in (reverse("verify"), reverse("directory")):
        response = client.get(url, {"q": query, "format": "json" if url == reverse("verify") else ""})
        assert response.status_code in (200, 400), (url, response.status_code)


# --- every other form, through its view --------------------------------------------------

handles = itertools.count(1)


def _account(district, status=None):
    return establish(district, f"fuzz_{next(handles)}", status=status)


def _revealed(district):
    from credentials.services import reveal

    from zeal import zeal_ignore

    account = escrowed(district, handle=f"fuzz_{next(handles)}")
    with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):  # one account, once
        reveal(actor=district.superintendent, account=account, reason_kind="recover", reason="For the fuzz.",
               second_factor_used=True)
    OfficialAccount.objects.filter(pk=account.pk).update(rotation_due=False)  # rotated since
    return account


def _sent(district):
    return sent(district, handle=f"fuzz_{next(handles)}")


def _endorsed(district):
    return approvals.endorse(actor=district.principal, application=_sent(district))


@dataclass
class Case:
    """A form: who posts it, the page that shows it (``page``, named ``context`` there)
    and the address it posts to (``post``, the page's own by default), both given the
    object the form acts on (``make``: once, or ``fresh`` for each example when a post
    moves the object on, a decision say); the models a refusal must leave as they were;
    and how to tell a refusal (by default, the form comes back, or too many tries: 429)."""

    persona: str
    page: Callable[[Any], str]
    saves: tuple = ()
    post: Callable[[Any], str] | None = None
    context: str = "form"
    make: Callable[[Any], Any] = lambda district: None
    fresh: bool = False
    refused: Callable[[Any, Any], bool] = lambda response, obj: response.status_code in (200, 429)


def _url(name, *attributes):
    return lambda obj: reverse(name, args=[getattr(obj, attribute) for attribute in attributes])


CASES = {
    # approvals: the reviewers' answers, withdrawing, commenting, editing a draft (R-V-B)
    "endorse": Case("principal", lambda app: app.get_absolute_url(), (Application,), _url("approvals:review", "pk"),
                    "review_form", _sent, fresh=True),
    "decide": Case("superintendent", lambda app: app.get_absolute_url(), (Application, OfficialAccount),
                   _url("approvals:review", "pk"), "review_form", _endorsed, fresh=True),
    "withdraw": Case("teacher", lambda app: app.get_absolute_url(), (Application,), _url("approvals:withdraw", "pk"),
                     "withdraw_form", _sent, fresh=True),
    "comment": Case("teacher", lambda app: app.get_absolute_url(), (Comment,), _url("approvals:comment", "pk"),
                    "comment_form", _sent),
    "edit draft": Case("teacher", _url("approvals:edit", "pk"), (Application,),
                       make=lambda d: in_state(d, Application.Status.DRAFT)),
    # the registry: establish, lifecycle, hand over, backup, annual review (R-III-B, R-III-E, R-V-D)
    "establish": Case("superintendent", lambda _: reverse("accounts:establish"), (OfficialAccount, Designation)),
    "status": Case("superintendent", _url("accounts:change_status", "pk"), (OfficialAccount,),
                   make=lambda d: _account(d, OfficialAccount.Status.ACTIVE), fresh=True),
    "hand over": Case("superintendent", _url("accounts:hand_over", "pk"), (OfficialAccount, Designation),
                      make=lambda d: _account(d, OfficialAccount.Status.ACTIVE)),
    "edit account": Case("superintendent", _url("accounts:edit", "pk"), (OfficialAccount,),
                         make=lambda d: _account(d, OfficialAccount.Status.ACTIVE)),
    "hand all over": Case("superintendent", _url("accounts:person", "pk"), (OfficialAccount, Designation),
                          _url("accounts:hand_over_all", "pk"), make=lambda d: _account(d).designations.get().person),
    "backup": Case("teacher", lambda account: account.get_absolute_url(), (Designation,),
                   _url("accounts:set_backup", "pk"), "backup_form",
                   lambda d: _account(d, OfficialAccount.Status.ACTIVE)),
    "annual review": Case("teacher", _url("accounts:review", "pk"), (AnnualReview, OfficialAccount),
                          make=lambda d: _account(d, OfficialAccount.Status.ACTIVE)),
    # the escrow: escrow, reveal with a reason, temporary grants (R-III-E)
    "escrow": Case("teacher", _url("credentials:escrow", "pk"), (CredentialVersion, OfficialAccount),
                   make=lambda d: pending(d, handle=f"fuzz_{next(handles)}")),
    "reveal": Case("teacher", _url("credentials:reveal", "pk"), (CredentialVersion, OfficialAccount),
                   make=lambda d: escrowed(d, handle=f"fuzz_{next(handles)}"),
                   refused=lambda response, account: bool(response.context["form"].errors)),
    "rotate revealed": Case("superintendent", lambda _: reverse("credentials:rotate_revealed") + "?person=super%40"
                            "example.org", (OfficialAccount,), make=lambda d: _revealed(d)),
    "grant": Case("superintendent", _url("credentials:grants", "pk"), (AccessGrant,),
                  make=lambda d: escrowed(d, handle=f"fuzz_{next(handles)}")),
    # training: the quiz, self-attestation, acknowledgments (R-V-C, R-IV-C)
    "quiz": Case("teacher", lambda course: course.get_absolute_url(), (Completion,), _url("training:quiz", "slug"),
                 "quiz_form", lambda d: make_course("quiz", quiz=3)),
    "attest": Case("teacher", lambda course: course.get_absolute_url(), (Completion,),
                   _url("training:attest", "slug"), "attest_form",
                   lambda d: make_course("attest", allows_self_attestation=True)),
    "acknowledge": Case("teacher", lambda document: document.get_absolute_url(), (Acknowledgment,),
                        _url("training:acknowledge", "slug"), make=lambda d: make_document()),
    # people: delegations (R-III-C, R-III-E)
    "delegate": Case("superintendent", lambda _: reverse("people:grant_delegation"), (Delegation,)),
    "revoke delegation": Case(
        "superintendent", lambda _: reverse("people:delegations"), (Delegation,),
        _url("people:revoke_delegation", "pk"), "revoke_form",
        lambda d: DelegationFactory(grantee=d.coach, granted_by=d.superintendent, scope=d.athletics), fresh=True,
        refused=lambda response, delegation: Delegation.objects.get(pk=delegation.pk).revoked_at is None),
    # concerns triage (R-IV-B)
    "assign concern": Case("superintendent", lambda report: report.get_absolute_url(), (ConcernReport,),
                           _url("concerns:assign", "reference"), "assign_form", lambda d: report_in(d.north)),
    "note on concern": Case("superintendent", lambda report: report.get_absolute_url(), (ConcernNote,),
                            _url("concerns:note", "reference"), "note_form", lambda d: report_in(d.north)),
    "resolve concern": Case("superintendent", lambda report: report.get_absolute_url(), (ConcernReport,),
                            _url("concerns:resolve", "reference"), "resolve_form", lambda d: report_in(d.north),
                            fresh=True),
    # signing in (allauth's forms, the admin's sign-in too), rate limited
    "sign in": Case("anonymous", lambda _: reverse("account_login"), (User,)),
    "reset password": Case("anonymous", lambda _: reverse("account_reset_password"), (User,)),
    "change password": Case("coach", lambda _: reverse("account_change_password"), (User,)),
    "reauthenticate": Case("coach", lambda _: reverse("account_reauthenticate"), (User,)),
    # the admin's forms: the catalogue, people, training (every save audited)
    "admin platform": Case("admin", lambda _: reverse("admin:accounts_platform_add"), (Platform,),
                           context="adminform"),
    "admin protected name": Case("admin", lambda _: reverse("admin:accounts_protectedname_add"), (ProtectedName,),
                                 context="adminform"),
    "admin new unit": Case("admin", lambda _: reverse("admin:people_orgunit_add"), (OrgUnit,), context="adminform"),
    "admin edit unit": Case("admin", lambda d: reverse("admin:people_orgunit_change", args=[d.north.pk]), (OrgUnit,),
                            context="adminform", make=lambda d: d),
    "admin new person": Case("admin", lambda _: reverse("admin:people_user_add"), (User,), context="adminform"),
    "admin edit person": Case("admin", lambda d: reverse("admin:people_user_change", args=[d.teacher.pk]), (User,),
                              context="adminform", make=lambda d: d),
    "admin course": Case("admin", lambda _: reverse("admin:training_course_add"), (Course, Question),
                         context="adminform"),
    "admin question": Case("admin", lambda _: reverse("admin:training_question_add"), (Question, Choice),
                           context="adminform", make=lambda d: make_course("for-questions")),
    "admin policy document": Case("admin", lambda _: reverse("admin:training_policydocument_add"),
                                  (PolicyDocument, PolicyVersion), context="adminform"),
    "admin completion": Case("admin", lambda _: reverse("admin:training_completion_add"), (Completion,),
                             context="adminform", make=lambda d: make_course("recorded")),
}


@pytest.mark.parametrize("name", CASES)
@FUZZ_EACH
@given(data=st.data())
def test_every_form_never_errors_and_a_refusal_saves_nothing(district, client_for, made, name, data):
    case = CASES[name]
    obj = case.make(district) if case.fresh else made(name, lambda: case.make(district))
    client = client_for(case.persona)
    if name == "reveal":  # a reveal needs a password entered again within minutes (R-III-E)
        reauthenticated(client, district.teacher)
    values = data.draw(made(("values", name), lambda: form_values(client.get(case.page(obj)), case.context)))
    before = watched(*case.saves)
    response = client.post((case.post or case.page)(obj), values)
    assert response.status_code in (200, 302, 429), response.status_code
    if case.refused(response, obj):
        assert watched(*case.saves) == before


# --- the uploads ---------------------------------------------------------------------------

IMPORT_HEADER = "email,course,completed_on"
csv_files = st.one_of(
    st.binary(max_size=3000),
    anything.map(str.encode),
    st.tuples(st.sampled_from([ROSTER_HEADER, IMPORT_HEADER]),
              st.lists(st.lists(anything, max_size=9).map(",".join), max_size=5))
    .map(lambda parts: "\n".join([parts[0], *parts[1]]).encode()),
)


@pytest.mark.parametrize("persona, url, saves", [
    ("superintendent", "roster:upload", (RosterImport,)),
    ("admin", "admin:training_completion_import", (Completion,)),
])
@FUZZ_EACH
@given(content=csv_files, name=sometimes("upload.csv", "UPLOAD.CSV"))
def test_an_upload_of_any_bytes_never_errors(client_for, district, persona, url, saves, content, name):
    """Any bytes under any file name (quotes, line breaks, slashes, none at all)."""
    upload = io.BytesIO(content)
    upload.name = name  # sent as it is: the test client's own file class refuses some names
    before = watched(*saves)
    response = client_for(persona).post(reverse(url), {"file": upload})
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert watched(*saves) == before


# --- filters: any query answers, the CSV exports too -------------------------------------

FILTERS = {
    "audit trail": ("superintendent", "audits:trail"),
    "credential reveals": ("superintendent", "credentials:reveals"),
    "registry": ("superintendent", "accounts:registry"),
    "concerns queue": ("superintendent", "concerns:queue"),
}


@pytest.mark.parametrize("name", FILTERS)
@FUZZ_EACH
@given(data=st.data())
def test_every_filter_answers_any_query(district, client_for, made, name, data):
    persona, url = FILTERS[name]
    client = client_for(persona)
    query = data.draw(made(name, lambda: form_values(client.get(reverse(url)), "form")))
    query |= data.draw(st.fixed_dictionaries({"page": sometimes("1", "2"), "format": sometimes("csv")}))
    response = client.get(reverse(url), query)
    assert response.status_code == 200, response.status_code
    if response.streaming:
        b"".join(response.streaming_content)  # an export fails, if it does, while it streams


@FUZZ_EACH
@given(query=st.fixed_dictionaries({name: anything for name in ("state", "check", "format", "page")}))
def test_the_findings_answer_any_query(district, client_for, query):
    response = client_for("superintendent").get(reverse("compliance:findings"), query)
    assert response.status_code == 200, response.status_code
    if response.streaming:
        b"".join(response.streaming_content)


# --- what the fuzzing found, pinned ------------------------------------------------------


def test_lending_access_to_a_contractor_is_refused_beside_the_field(district, client_for):
    """R-III-E: a temporary grant goes to an employee. The service once raised the
    registry's error for it, which the page did not expect: a 500."""
    account = escrowed(district, handle="fuzz_grant")
    response = client_for("superintendent").post(reverse("credentials:grants", args=[account.pk]), {
        "grantee": district.contractor.email, "until": str(timezone.localdate() + timedelta(days=7)),
        "reason": "The site manager's leave."})
    assert response.status_code == 200
    assert response.context["form"].errors["grantee"] == [
        "Access is lent only to an active district employee, never to a contractor."]
    assert not AccessGrant.objects.exists()


@pytest.mark.parametrize("value", [":", str(2**63)])
def test_an_admin_autocomplete_posted_with_no_id_says_so_beside_the_field(district, client_for, value):
    """Django's autocomplete select looked the value up to show it again: a 500 for a value
    that is no id (mps_social/admin_widgets.py) or beyond SQLite's integers
    (mps_social/sqlite/base.py)."""
    response = client_for("admin").post(reverse("admin:accounts_protectedname_add"),
                                        {"name": "Polars", "kind": "mascot", "owner": value})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["owner"] == [
        "Select a valid choice. That choice is not one of the available choices."]
    assert not ProtectedName.objects.exists()


def test_an_id_beyond_the_databases_integers_among_choices_is_an_error(district, client_for):
    teacher = district.teacher
    response = client_for("admin").post(reverse("admin:people_user_change", args=[teacher.pk]), {
        "email": teacher.email, "full_name": teacher.full_name, "kind": teacher.kind, "employee_id": teacher.employee_id,
        "org_unit": teacher.org_unit_id, "is_active": "on", "groups": [str(2**63)]})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"] == [
        f"Select a valid choice. {2**63} is not one of the available choices."]
