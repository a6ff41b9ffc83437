"""The audit trail's filter (django-filter), so a filter means the same on every list and
its form is Django's."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from . import verbs
from .forms import TrailFilterForm, target_types
from .models import AuditEvent


def _start_of(day) -> datetime:
    """The first instant of ``day`` in the district's time zone (``TIME_ZONE``)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class TrailFilter(django_filters.FilterSet):
    """Who, what happened (by its words: ``audits.verbs``), to what and when. Days are the
    district's, turned into a range of instants so the index on ``at`` serves them."""

    actor = django_filters.CharFilter(label="Who (email)", field_name="actor_label", lookup_expr="iexact",
                                      max_length=254,
                                      help_text="As recorded at the time; “system” for the nightly jobs.")
    verb = django_filters.ChoiceFilter(label="Action", choices=verbs.choices(), empty_label="Anything",
                                       method="what_happened")
    target_type = django_filters.ChoiceFilter(label="What", choices=target_types, empty_label="Anything")
    target_id = django_filters.CharFilter(label="Its id", max_length=64)
    since = django_filters.DateFilter(label="From", method="from_day",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label="To", method="to_day", help_text="Both days included.",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEvent
        fields = []  # all declared above
        form = TrailFilterForm

    def what_happened(self, events, name, value):
        return events.filter(verbs.matching(value))

    def from_day(self, events, name, value):
        return events.filter(at__gte=_start_of(value))

    def to_day(self, events, name, value):
        return events.filter(at__lt=_start_of(value + timedelta(days=1)))
