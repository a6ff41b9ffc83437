"""The public directory (Policy 4038 §III.F, R-III-F): the district's active official
accounts, grouped by unit, searchable and paged; and each unit's page, with the accounts
of its whole subtree, so schools and departments can link to their own list.

Every page runs a fixed number of queries whatever the size of the registry: the page of
accounts comes in one query (``selectors.directory_accounts`` joins platform and unit)
and is grouped by unit in Python; the filters' choices and the unfiltered counts are kept
with the directory's version (``directory_cache``).

Decision: the directory paginates by accounts (``PER_PAGE``), grouped by unit within the
page; a unit cut by a page break shows its heading again on the next page, marked
"continued".
"""

from dataclasses import dataclass
from itertools import groupby

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from mps_social.access import permission_required
from people.models import OrgUnit

from . import directory_cache, selectors
from .filters import DirectoryFilter
from .models import OfficialAccount
from .page_cache import public_page

PER_PAGE = 100
COUNT_MAX_AGE = 300  # seconds: the longest a count outlives a change the signals missed


@dataclass
class Group:
    """One unit's accounts on a page of the directory."""

    unit: OrgUnit
    accounts: list[OfficialAccount]
    continued: bool = False  # the unit's accounts began on the page before


def _groups(accounts, first_unit_id_before=None) -> list[Group]:
    """Accounts (ordered by unit path) grouped by unit, in one pass: no further queries."""
    groups = [Group(members[0].org_unit, members)
              for members in (list(run) for _, run in groupby(accounts, key=lambda account: account.org_unit_id))]
    if groups and first_unit_id_before is not None and groups[0].unit.pk == first_unit_id_before:
        groups[0].continued = True
    return groups


def _count(scope, queryset) -> int:
    """How many accounts the directory lists in ``scope`` (a unit's subtree, or the whole
    district), kept with the directory (``directory_cache``) until the registry changes:
    the unfiltered directory is the busiest page, and counting the whole district's
    accounts on every view would grow with the registry."""
    return directory_cache.cached(f"count:{scope.pk if scope else 'all'}", queryset.count, COUNT_MAX_AGE)


def _directory(request, unit=None):
    """R-III-F: active accounts, grouped by unit, searchable, paged. A bad filter is
    explained beside its field; the valid ones still apply."""
    filters = DirectoryFilter(request.GET or None, queryset=selectors.directory_accounts(unit), unit=unit)
    chosen = filters.chosen()
    paginator = Paginator(filters.qs, PER_PAGE)
    if not chosen.keys() - {"school"}:  # the whole directory, a unit's page or one school: counted once per change
        scope = chosen.get("school", unit)
        paginator.count = _count(scope, selectors.directory_accounts(scope))
    page = paginator.get_page(request.GET.get("page"))
    accounts = list(page.object_list)
    before = None
    if page.has_previous() and accounts:
        # Whether the page break cut a unit: one extra row, a fixed cost.
        previous = filters.qs[page.start_index() - 2: page.start_index() - 1]
        before = next((account.org_unit_id for account in previous), None)
    context = {
        "form": filters.form,
        "unit": unit,
        "page": page,
        "groups": _groups(accounts, before),
        "filtered": bool(chosen),
        # The school filter's field, the same for every visitor until one is chosen, is
        # kept rendered with the directory's version (``_directory_filters.html``).
        "directory_version": directory_cache.directory.version(),
        # The empty state lists where to look instead (only then: no query otherwise).
        "units": selectors.directory_units() if unit is None and not accounts and not chosen else [],
    }
    template = "accounts/directory_unit.html" if unit is not None else "accounts/directory.html"
    return render(request, template, context)


@permission_required("accounts.view_directory")
@require_safe
@public_page
def directory(request):
    """R-III-F: the public directory of active official accounts."""
    return _directory(request)


@permission_required("accounts.view_directory")
@require_safe
@public_page
def directory_unit(request, slug):
    """R-III-F: one unit's page, with the accounts of its whole subtree; 404 for an unknown slug."""
    return _directory(request, get_object_or_404(selectors.directory_units(), slug=slug))
