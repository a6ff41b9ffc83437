"""Public pages of the registry. The registry issue fills the directory with accounts."""

from django.shortcuts import get_object_or_404, render

from mps_social.access import permission_required

from . import selectors


@permission_required("accounts.view_directory")
def directory(request):
    return render(request, "accounts/directory.html", {"units": selectors.directory_units()})


@permission_required("accounts.view_directory")
def directory_unit(request, slug):
    unit = get_object_or_404(selectors.directory_units(), slug=slug)
    return render(request, "accounts/directory_unit.html", {"unit": unit})
