"""The findings' filter (django-filter), so a filter means the same on every list and its
form is Django's."""

import django_filters
from django.http import QueryDict

from mps_social.forms import PortalForm

from .checks import CHECKS
from .models import Finding


class FindingFilter(django_filters.FilterSet):
    """Findings by check and by state: open (when the state is not given), closed or all."""

    STATES = [("open", "Open"), ("closed", "Closed"), ("all", "All")]

    check = django_filters.ChoiceFilter(label="Check", field_name="check_slug", empty_label="Every check",
                                        choices=[(check.slug, check.title) for check in CHECKS])
    state = django_filters.ChoiceFilter(label="State", choices=STATES, empty_label=None, method="in_state")

    class Meta:
        model = Finding
        fields = []
        form = PortalForm

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("state", "open")
        super().__init__(data, *args, **kwargs)

    def in_state(self, findings, name, value):
        if value == "all":
            return findings
        return findings.filter(closed_at__isnull=value == "open")
