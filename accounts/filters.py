"""What the registry's lists are filtered by (django-filter): the staff registry
(R-III-E) and the public directory (R-III-F).

A search means the same thing on every list of accounts (``search``): the account's
name, its handle with or without the "@" and in any case, or its unit's name. A filter
whose value is not one of its choices is explained beside its field while the valid
ones still apply (django-filter filters by what cleaned).
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from mps_social.forms import PortalForm
from mps_social.widgets import LongSelect

from . import directory_cache, selectors
from .models import OfficialAccount, Platform

CHOICES_MAX_AGE = 300  # seconds: as long as the directory's feed (``views_feed.FEED_MAX_AGE``)


def search(queryset, name, term):
    """Accounts whose name, handle (its "@" optional, any case, or its key: Facebook's
    without periods) or unit's name holds ``term``."""
    term = (term or "").strip()
    if not term:
        return queryset
    bare = term.lstrip("@")
    return queryset.filter(Q(display_name__icontains=term) | Q(handle__icontains=bare)
                           | Q(handle_key__icontains=bare.lower()) | Q(org_unit__name__icontains=term))


class AccountFilter(django_filters.FilterSet):
    """A list of accounts' filters, and which of them apply."""

    def chosen(self) -> dict:
        """The filters that apply (valid, and not empty), by name."""
        if not self.is_bound:
            return {}
        self.form.is_valid()  # cleans what it can: the valid fields are in cleaned_data
        return {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}


class RegistryFilter(AccountFilter):
    """The staff registry's filters (and its CSV export's, which downloads what is listed)."""

    q = django_filters.CharFilter(label="Search", method=search, help_text="Name, handle or unit.")
    status = django_filters.ChoiceFilter(label="Status", choices=OfficialAccount.Status.choices,
                                         empty_label="Any status")
    platform = django_filters.ModelChoiceFilter(label="Platform", queryset=Platform.objects.all(),
                                                to_field_name="slug", empty_label="Any platform")

    class Meta:
        model = OfficialAccount
        fields = ["q", "status", "platform"]
        form = PortalForm


class DirectoryChoiceField(forms.ChoiceField):
    """A row the directory is filtered by (a school or department, a platform), chosen by
    its address (slug); cleaned to the row itself.

    The choices are the rows' (slug, name) pairs, kept with the directory
    (``directory_cache``) until it changes: the largest district has two thousand units,
    and the public directory lists them for every visitor. Only the chosen row is
    fetched."""

    class Choices(BaseChoiceIterator):
        """The choices, read from the cache when iterated, the empty choice first. Django
        passes a choice iterator through as it is, where it would check every pair of a
        list each time a form is made or rendered."""

        def __init__(self, name: str, rows, empty_label: str):
            self.name, self.rows, self.empty_label = name, rows, empty_label

        def __iter__(self):
            yield "", self.empty_label
            yield from directory_cache.cached(self.name, lambda: list(self.rows().values_list("slug", "name")),
                                              CHOICES_MAX_AGE)

    widget = LongSelect

    def __init__(self, *, name: str, rows, empty_label: str, **kwargs):
        """``rows``: a function (a form copies its fields, and a function is not copied)
        returning the rows' queryset in the list's order. ``name``: what their cache
        entry is called."""
        self.rows = rows
        super().__init__(choices=self.Choices(name, rows, empty_label), **kwargs)

    def clean(self, value):
        slug = super().clean(value)
        if not slug:
            return None
        row = self.rows().filter(slug=slug).first()
        if row is None:  # removed since the choices were cached
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": slug})
        return row


def units_by_name():
    return selectors.directory_units().order_by("name")


class UnitField(DirectoryChoiceField):
    """A school or department, listed by name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", _("Choose a school or department from the list."))
        super().__init__(name="units", rows=units_by_name, **kwargs)


class RowFilter(django_filters.Filter):
    field_class = DirectoryChoiceField


class UnitFilter(django_filters.Filter):
    field_class = UnitField


class DirectoryFilter(AccountFilter):
    """The public directory's filters (R-III-F). A school or department means its whole
    subtree; a unit's own page (``unit``) is one already, so it has no school filter.
    Their words are in the visitor's language (issue #23)."""

    q = django_filters.CharFilter(
        label=_("Search"), method=search, max_length=200, help_text=_("A name, a handle or a school."),
        error_messages={"max_length": _("Keep the search under %(limit_value)d characters.")})
    school = UnitFilter(label=_("School or department"), method="in_subtree",
                        empty_label=_("All schools and departments"))
    platform = RowFilter(
        field_name="platform", label=_("Platform"), name="platforms",
        rows=selectors.directory_platforms, empty_label=_("All platforms"),
        error_messages={"invalid_choice": _("Choose a platform from the list.")})

    class Meta:
        model = OfficialAccount
        fields = ["q", "school", "platform"]
        form = PortalForm

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:
            del self.filters["school"]

    def in_subtree(self, queryset, name, unit):
        return queryset.filter(unit_path__startswith=unit.path) if unit else queryset
