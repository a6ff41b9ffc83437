"""Reads of the catalogue for public pages."""

from django.db.models import QuerySet

from people.models import OrgUnit


def directory_units() -> QuerySet[OrgUnit]:
    """The org units the directory is organised by, top-down."""
    return OrgUnit.objects.only("name", "slug", "kind", "path", "website").order_by("path")
