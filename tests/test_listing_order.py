"""The account lists' order (``accounts.models.LISTING_ORDER``) and the copy of each
account's unit path it sorts on.

The registry, the credentials list and the directory scope and sort on
``OfficialAccount.unit_path`` so that a page walks an index and stops at its last row: a
page costs the same at 20,000 accounts as at 1,500 (issue [performance]). These tests
prove the copy never drifts from the unit's real path, whatever changes it, and that the
lists' queries are served by the index rather than sorted.
"""

import pytest
from django.db import connection
from django.urls import reverse

from accounts import selectors
from accounts.models import LISTING_ORDER, OfficialAccount, Platform
from credentials import selectors as credentials
from people.models import OrgUnit

from .factories import OrgUnitFactory
from .test_registry import establish


def paths_match():
    """Every account's copy equals its unit's path (read back from the database)."""
    return all(account.unit_path == account.org_unit.path
               for account in OfficialAccount.objects.select_related("org_unit"))


def test_an_account_takes_its_units_path_when_established_and_when_moved(district):
    account = establish(district)
    assert account.unit_path == district.north.path != ""
    account.org_unit = district.south
    account.save()
    account.refresh_from_db()
    assert account.unit_path == district.south.path


def test_saving_other_fields_keeps_the_path_without_reading_the_unit(district, django_assert_num_queries):
    account = OfficialAccount.objects.get(pk=establish(district).pk)  # its unit not loaded
    account.display_name = "North High Newsroom"
    with django_assert_num_queries(1):  # the UPDATE alone
        account.save(update_fields=["display_name"])
    account.refresh_from_db()
    assert account.unit_path == district.north.path


def test_moving_a_unit_carries_its_subtrees_accounts_along(district):
    """A school moved under a new area, with a club inside it: every account below moves."""
    club = OrgUnitFactory(code="CLUB", name="North Robotics Club", parent=district.north)
    establish(district, "NorthHighNews")
    establish(district, "NorthRobots", display_name="North Robots", unit=club)
    establish(district, "SouthNews", display_name="South News", unit=district.south)
    area = OrgUnitFactory(code="AREA", name="Area 1", parent=district.district)
    north = OrgUnit.objects.get(pk=district.north.pk)
    north.parent = area
    north.save()
    club.refresh_from_db()
    assert club.path.startswith(area.path) and paths_match()
    assert selectors.directory_accounts(area).count() == 0  # none active yet; the scope still holds
    assert set(OfficialAccount.objects.filter(unit_path__startswith=area.path).values_list("handle", flat=True)) == {
        "northhighnews", "northrobots"}


def test_bulk_created_accounts_take_their_units_paths(district):
    platform = Platform.objects.get(slug="instagram")
    OfficialAccount.objects.bulk_create([
        OfficialAccount(platform=platform, org_unit=unit, display_name=f"Bulk {n}", handle=f"bulk_{n}",
                        handle_key=f"bulk_{n}", origin=OfficialAccount.Origin.DIRECT,
                        established_by=district.superintendent)
        for n, unit in enumerate([district.north, district.south, district.athletics])
    ])
    assert OfficialAccount.objects.count() == 3 and paths_match()


def test_the_lists_come_in_unit_then_name_order(district, client_for):
    """Tree order first (the district's own accounts, then each unit's), then the name."""
    establish(district, "SouthNews", display_name="South News", unit=district.south)
    establish(district, "ZNorth", display_name="Zebra Club", unit=district.north)
    establish(district, "ANorth", display_name="Art Club", unit=district.north)
    expected = [(a.org_unit.path, a.display_name)
                for a in OfficialAccount.objects.select_related("org_unit")]
    expected.sort()
    rows = [(a.org_unit.path, a.display_name)
            for a in selectors.visible_accounts(district.superintendent).order_by(*LISTING_ORDER)]
    assert rows == expected
    page = client_for("superintendent").get(reverse("accounts:registry")).content.decode()
    assert page.index("Art Club") < page.index("Zebra Club") < page.index("South News")


LISTS = {
    "registry": lambda d: selectors.visible_accounts(d.superintendent).order_by(*LISTING_ORDER)[:50],
    "registry, a designee's scope": lambda d: selectors.visible_accounts(d.designee).order_by(*LISTING_ORDER)[:50],
    "credentials list, the office": lambda d: credentials.revealable_for(d.superintendent)[:50],
    "directory": lambda d: selectors.directory_accounts()[:100],
    "directory, one unit": lambda d: selectors.directory_accounts(d.north)[:100],
}


@pytest.mark.skipif(connection.vendor != "sqlite",
                    reason="SQLite's plans are fixed by its indexes; PostgreSQL's follow table statistics, "
                           "which a test database does not have (bench.district measures them at scale)")
@pytest.mark.parametrize("name", LISTS)
def test_each_list_walks_the_listing_index_instead_of_sorting(district, name):
    establish(district)
    sql, params = LISTS[name](district).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    assert "account_listing" in plan or "account_status_listing" in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
