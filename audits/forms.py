"""The audit trail's filters (the superintendent's office's viewer)."""

from datetime import datetime, time, timedelta
from functools import cache

from django import forms
from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator

from mps_social.forms import PortalForm
from mps_social.widgets import LongSelect

# The apps whose objects the trail names (``target_type`` is a model's ``app.model`` label).
PORTAL_APPS = ["accounts", "approvals", "audits", "concerns", "credentials", "notifications", "people", "roster",
               "training"]


@cache  # the portal's models do not change while it runs
def target_types() -> list[tuple[str, str]]:
    models = [model for label in PORTAL_APPS for model in apps.get_app_config(label).get_models()]
    choices = sorted((str(model._meta.verbose_name).capitalize(), model._meta.label_lower) for model in models)
    return [("", "Anything")] + [(label, f"{name} ({label})") for name, label in choices]


class TargetTypes(BaseChoiceIterator):
    """``target_types()`` as a field's choices. Django passes a choice iterator through as
    it is, where it checks every pair of a callable's list each time the list is read:
    on every render, to know whether the select may be ``required``, 0.13 ms of the
    audit trail (issue [performance]); the directory's choices are read the same way."""

    def __iter__(self):
        return iter(target_types())


@cache
def _target_type_options() -> str:
    return LongSelect.option_tags(target_types())


class TargetTypeSelect(LongSelect):
    """The options of ``target_types``, written once: like them, they change only with
    the code. Only the chosen option's mark is per request (writing the thirty options
    each time was another 0.1 ms)."""

    def options_html(self) -> str:
        return _target_type_options()


class TrailFilterForm(PortalForm):
    # The what's options (one per portal model) written once (``TargetTypeSelect``).
    actor = forms.CharField(label="Who (email)", required=False, max_length=254,
                            help_text="As recorded at the time; “system” for the nightly jobs.")
    verb = forms.CharField(label="Action", required=False, max_length=80,
                           help_text="E.g. credentials.revealed; end with a dot for a family: credentials.")
    target_type = forms.ChoiceField(label="What", required=False, choices=TargetTypes(),
                                    widget=TargetTypeSelect)
    target_id = forms.CharField(label="Its id", required=False, max_length=64)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="Both days included.")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end comes before the start.")
        return data

    def filter(self, events: QuerySet) -> QuerySet:
        """Narrow ``events`` by the valid filters. Days are the district's (its time zone),
        turned into a range of instants so the index on ``at`` serves them."""
        data = self.cleaned_data
        if data["actor"]:
            events = events.filter(actor_label__iexact=data["actor"].strip())
        verb = data["verb"].strip()
        if verb:
            events = events.filter(verb__startswith=verb) if verb.endswith(".") else events.filter(verb=verb)
        if data["target_type"]:
            events = events.filter(target_type=data["target_type"])
        if data["target_id"].strip():
            events = events.filter(target_id=data["target_id"].strip())
        if data["since"]:
            events = events.filter(at__gte=_start_of(data["since"]))
        if data["until"]:
            events = events.filter(at__lt=_start_of(data["until"] + timedelta(days=1)))
        return events


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
