"""Every verb the portal records has its words (``audits.verbs``), so the audit trail
never shows a code to the people who read it (R-V-D), and its filter offers them all."""

import ast
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib import admin

from accounts.services import TRANSITIONS as ACCOUNT_TRANSITIONS
from approvals.services import TRANSITIONS as APPLICATION_TRANSITIONS
from audits import verbs
from concerns.services import TRANSITIONS as CONCERN_TRANSITIONS

ROOT = Path(__file__).resolve().parents[1]
# The project's own apps, wherever a new one is added.
APPS = [Path(config.path) for config in django_apps.get_app_configs() if Path(config.path).is_relative_to(ROOT)]


def recorded_verbs() -> set[str]:
    """The verbs the code names: every ``verb=`` given as a string, every string default
    of a ``verb`` parameter, and the verbs of each app's state transitions (the services pass
    those on as a variable)."""
    found = set(ACCOUNT_TRANSITIONS.values()) | set(APPLICATION_TRANSITIONS.values()) | set(
        CONCERN_TRANSITIONS.values())
    for app in APPS:
        for path in app.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.keyword) and node.arg == "verb" and isinstance(node.value, ast.Constant):
                    found.add(node.value.value)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    arguments = node.args
                    named = [*zip(arguments.args[::-1], arguments.defaults[::-1]),
                             *zip(arguments.kwonlyargs, arguments.kw_defaults)]
                    found |= {default.value for argument, default in named  # not a default of None
                              if argument.arg == "verb" and isinstance(default, ast.Constant)
                              and isinstance(default.value, str)}
    return found


def test_the_scan_finds_the_verbs_of_every_kind_of_recording():
    found = recorded_verbs()
    assert {"account.established", "application.submitted", "credentials.revealed", "training.completed",
            "concern.assigned", "person.added_from_roster", "audit.finished"} <= found
    assert len(found) > 50


def test_r_v_d_every_verb_recorded_has_its_words():
    unlabelled = sorted(verb for verb in recorded_verbs() if verbs.label(verb) == verb)
    assert not unlabelled, f"Give these verbs their words in audits/verbs.py: {unlabelled}"


def test_no_label_is_a_code_and_none_is_given_twice():
    labels = list(verbs.LABELS.values())
    assert len(set(labels)) == len(labels)
    assert all(label[0].isupper() and "." not in label and "_" not in label for label in labels)


@pytest.mark.parametrize("what, words", [("created_in_admin", "added"), ("changed_in_admin", "changed"),
                                         ("deleted_in_admin", "deleted")])
def test_the_admins_verbs_are_named_after_their_model(what, words):
    """``audits/admin.py`` records ``<model>.<what>_in_admin`` for every model it audits."""
    for model in admin.site._registry:
        label = verbs.label(f"{model._meta.model_name}.{what}")
        assert label == f"{str(model._meta.verbose_name).capitalize()} {words} in the admin"


def test_each_verb_falls_in_the_topic_that_offers_it():
    """The filter's topics ("Anything about credentials") match every verb they list."""
    for slug, _, families, labels in verbs.TOPICS:
        assert all(verb.startswith(families) for verb in labels), slug
    assert {value for _, options in verbs.choices() for value, _ in options} >= set(verbs.LABELS)


def test_a_verb_no_longer_recorded_keeps_its_code():
    assert verbs.label("gone.away") == "gone.away"
    assert verbs.label("nomodel.changed_in_admin") == "nomodel.changed_in_admin"
