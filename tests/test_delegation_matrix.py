"""Every power held within its scope: the delegations as a matrix (R-III-C, R-III-E, R-V-D).

Beside the persona matrix (tests/test_authorization_matrix.py), which says what each kind
of person gets on every URL, this one says what each delegated power reaches. A member of
staff with no tie to anyone (the outsider, at South High) is given one delegation at a
time: each power alone, and all of them together, over one school (North High, where
every row's object lies), over one department (Athletics) and over the whole district.
On every URL the resolver knows, with GET and with POST, they must get exactly:

- what the same person gets holding every power over the whole district, where the row
  says one of the delegation's powers reaches it there (``Row.powers`` and ``Row.reach``:
  anywhere the power is held, the row's North High object, or the whole district only);
- 404 where they hold the page's power, but not over the row's object: out of scope is
  exactly like not there;
- 403 where their power shows them the object but not this page (``Row.seen_by``: an
  account's actions to someone who may read the account);
- what the same person gets with no delegation at all, everywhere else.

The two references are measured, not written down, so a page's own status (a form shown
again, a redirect) needs no second list. A URL that a delegation reaches without a row
saying which power does fails, and so does a row whose powers reach nothing, and a power
that no row names: a new power or a new page cannot go unruled.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from people.models import Delegation, OrgUnit, Power

from .factories import DelegationFactory
from .matrix import ANYWHERE, DISTRICT, NORTH
from .test_authorization_matrix import MATRIX, fill, is_admin, project_urls
from .test_escrow import reauthenticated

SCOPES = ["school", "department", "district"]
METHODS = ["get", "post"]


@dataclass(frozen=True)
class Holding:
    powers: frozenset
    scope: str

    @property
    def label(self) -> str:
        powers = "every power" if self.powers == frozenset(Power.values) else next(iter(self.powers))
        return f"{powers} over the {self.scope}"


HOLDINGS = [Holding(frozenset({power}), scope) for power in Power.values for scope in SCOPES] + [
    Holding(frozenset(Power.values), scope) for scope in SCOPES]


def covers_north(holding: Holding) -> bool:
    return holding.scope in ("school", "district")


def reaches(row, holding: Holding) -> bool:
    """Whether ``holding`` is one of the delegations that reach ``row``'s page."""
    if not row.powers & holding.powers:
        return False
    return {ANYWHERE: True, NORTH: covers_north(holding), DISTRICT: holding.scope == "district"}[row.reach]


def expected(row, holding: Holding, with_all: int, without: int) -> int:
    if with_all == without:
        return without  # the method, or the page's own rule, answers everyone alike
    if reaches(row, holding):
        return with_all
    if row.reach == NORTH and row.powers & holding.powers:
        return 404  # the page's power, held elsewhere
    if row.seen_by & holding.powers and covers_north(holding):
        return 403  # the object in sight, the page not
    return without


def _unit(district, scope: str) -> OrgUnit:
    return {"school": district.north, "department": district.athletics, "district": district.district}[scope]


def _status(person, method: str, path: str, holding: Holding | None, district) -> int:
    """``person``'s status for one request, with ``holding`` delegated to them for its
    length only: the request and the delegation are rolled back together."""
    with transaction.atomic():
        if holding is not None:
            DelegationFactory(grantee=person, scope=_unit(district, holding.scope),
                              **{power: power in holding.powers for power in Power.values})
        cache.clear()  # no rate limit or kept count carries over from the request before
        # Signed in, and the password entered again just now: a reveal's POST gets as far
        # as its scope, not only to "enter your password again".
        client = Client()
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        reauthenticated(client, person)
        status = getattr(client, method)(path).status_code
        transaction.set_rollback(True)
    return status


def _rows():
    return [pytest.param(key, route, id=key) for key, route in sorted(project_urls().items())
            if not is_admin(key, route)]


@pytest.mark.parametrize("key,route", _rows())
def test_each_power_reaches_its_pages_within_its_scope_and_nothing_else(key, route, district):
    row = MATRIX[key]
    path = fill(route, row.kwargs(district))
    person = district.outsider
    assert not Delegation.objects.filter(grantee=person).exists()
    wrong = []
    for method in METHODS:
        without = _status(person, method, path, None, district)
        with_all = _status(person, method, path, Holding(frozenset(Power.values), "district"), district)
        if not (row.powers or row.seen_by):
            assert with_all == without, (
                f"{method.upper()} {path}: a delegation changes the answer ({without} → {with_all}) but the row "
                "names no power: give it powers= and reach= in its matrix module")
            continue
        for holding in HOLDINGS:
            want = expected(row, holding, with_all, without)
            got = _status(person, method, path, holding, district)
            if got != want:
                wrong.append(f"{method.upper()} {path} holding {holding.label}: {got}, expected {want}")
    assert wrong == []


def test_every_power_reaches_some_page_and_every_ruled_page_answers_its_power(district):
    """A power no row names is a power without a rule; a row whose powers make no
    difference names the wrong ones (the test above would pass it vacuously)."""
    named = set().union(*(row.powers for row in MATRIX.values()))
    assert set(Power.values) - named == set(), "add the new power to the rows of the pages it opens"
    person = district.outsider
    inert = []
    for key, route in sorted(project_urls().items()):
        row = MATRIX.get(key)
        if row is None or not row.powers or is_admin(key, route):
            continue
        path = fill(route, row.kwargs(district))
        holding = Holding(row.powers, "district")
        if _status(person, row.method, path, holding, district) == _status(person, row.method, path, None, district):
            inert.append(f"{row.method.upper()} {path}")
    assert inert == [], "these rows name powers that change nothing on their page"
