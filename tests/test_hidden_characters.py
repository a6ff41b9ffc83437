"""Names that spoof (R-III-A): an official account's handle or display name refuses the
characters nobody sees, by every path that takes one: the application form and its
service (drafts too), the direct establishment form and ``establish_account``, and an
approval of an application stored before the rule. The message beside the field says
which kind of character in words, and what was typed stays in the form."""

import html as html_module
import re

import pytest
from django.urls import reverse

from accounts import services as registry
from accounts.models import OfficialAccount, Platform
from accounts.rules import INVISIBLE_CHARACTER, REVERSES_TEXT, hidden_character_problems
from approvals import services
from approvals.models import Application

from .test_approval_pages import field_errors, post_form
from .test_approvals import form_data, in_state

RLO = "\u202e"  # right-to-left override: "North \u202eswen" shows as "North news"

REVERSING = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\U000e0041", "\t", "\u2028"]


@pytest.mark.parametrize("character", REVERSING)
def test_r_iii_a_a_character_that_reverses_text_is_named_as_such(character):
    assert hidden_character_problems(f"North{character}High") == [REVERSES_TEXT]


@pytest.mark.parametrize("character", INVISIBLE)
def test_r_iii_a_an_invisible_character_is_named_as_such(character):
    assert hidden_character_problems(f"North{character}High") == [INVISIBLE_CHARACTER]


def test_r_iii_a_both_kinds_are_each_named_once_and_ordinary_names_pass():
    assert hidden_character_problems(f"{RLO}No\u200brth\u200d{RLO}") == [REVERSES_TEXT, INVISIBLE_CHARACTER]
    for name in ("North High News", "Escuela Técnica Número 5", "Roosevelt Teddies 🧸", "North-High_News.2026",
                 "Washburn Millers ⚾️", ""):
        assert hidden_character_problems(name) == []
    assert "reverses the direction of the text" in REVERSES_TEXT and "U+" not in REVERSES_TEXT
    assert "zero-width space" in INVISIBLE_CHARACTER and "U+" not in INVISIBLE_CHARACTER


# --- the application -------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["draft", "submit"])
@pytest.mark.parametrize("field,value,message", [
    ("display_name", f"North High {RLO}swen", REVERSES_TEXT),
    ("handle", "northhigh\u200b_news", INVISIBLE_CHARACTER),
    ("existing_url", "https://www.instagram.com/northhigh_news/\ufeff", INVISIBLE_CHARACTER),
])
def test_r_iii_a_the_application_form_refuses_beside_the_field_and_keeps_the_input(
        district, client_for, action, field, value, message):
    data = post_form(district, **{field: value})
    response = client_for("teacher").post(reverse("approvals:new"), {**data, "action": action})
    html = response.content.decode()
    assert response.status_code == 200 and not Application.objects.exists()
    assert html_module.escape(message) in field_errors(html, field)
    assert f'value="{html_module.escape(value)}"' in html  # what was typed is still there


def test_r_iii_a_the_application_service_refuses_a_draft_and_an_edit(district):
    with pytest.raises(services.ApplicationError) as refused:
        services.save_draft(actor=district.teacher, data={"display_name": f"North High {RLO}swen"})
    assert refused.value.errors == {"display_name": [REVERSES_TEXT]}
    assert not Application.objects.exists()
    draft = in_state(district, Application.Status.DRAFT)
    with pytest.raises(services.ApplicationError) as refused:
        services.submit(actor=district.teacher, application=draft,
                        data=form_data(district, handle="north\u00adhigh_news", display_name=f"{RLO}News"))
    assert refused.value.errors == {"handle": [INVISIBLE_CHARACTER], "display_name": [REVERSES_TEXT]}
    draft.refresh_from_db()
    assert (draft.status, draft.handle, draft.display_name) == (Application.Status.DRAFT, "northhigh_news",
                                                                "North High News")


def test_r_iii_a_an_application_stored_before_the_rule_is_not_approved(district):
    application = in_state(district, Application.Status.ENDORSED)
    Application.objects.filter(pk=application.pk).update(display_name=f"North High {RLO}swen")
    with pytest.raises(services.ApplicationError, match=re.escape(REVERSES_TEXT)):
        services.approve(actor=district.superintendent, application=application)
    assert not OfficialAccount.objects.exists()
    assert Application.objects.get(pk=application.pk).status == Application.Status.ENDORSED


# --- direct establishment -----------------------------------------------------------------------


@pytest.mark.parametrize("field,value,message", [
    ("display_name", f"North {RLO}sdnaB", REVERSES_TEXT),
    ("handle", "\u200dNorth_Bands", INVISIBLE_CHARACTER),
])
def test_r_iii_a_the_establishment_form_refuses_beside_the_field_and_keeps_the_input(
        district, client_for, field, value, message):
    data = {"org_unit": district.north.pk, "platform": Platform.objects.get(slug="instagram").pk,
            "handle": "North_Bands", "display_name": "North Bands", "site_manager": district.teacher.email,
            "reason": "The band program's account.", field: value}
    response = client_for("superintendent").post(reverse("accounts:establish"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not OfficialAccount.objects.exists()
    assert html_module.escape(message) in field_errors(html, field)
    assert f'value="{html_module.escape(value)}"' in html


def test_r_iii_a_establish_account_refuses_whoever_calls_it(district):
    with pytest.raises(registry.RegistryError) as refused:
        registry.establish_account(
            actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=district.north,
            display_name=f"North {RLO}sdnaB\u200b", handle="north_bands", site_manager=district.teacher,
            origin=OfficialAccount.Origin.DIRECT, reason="Directly.",
        )
    assert refused.value.errors == {"display_name": [REVERSES_TEXT, INVISIBLE_CHARACTER]}
    assert not OfficialAccount.objects.exists()
