"""Protected names a district starts with (Policy 4038 §III.A, R-III-A): the names of its
org units, for "Is this account official?" and the name checks of applications.

§III.A reserves "the District name, or name of any of its schools or departments" and
anything that "purports to identify the social media account with the Minneapolis Public
Schools, its schools, departments, activities or programs": so every unit's name is
protected for that unit, the district, schools, departments and programs alike. Mascots,
team names and abbreviations are not in HR's data; the administrator adds them in the
admin. ``manage.py load_catalogue`` and the demo (``accounts.demo``) both add names
through ``add_protected_names``.
"""

from django.db import transaction

from audits.services import record_many
from mps_social.versioned_cache import changed_in_bulk
from people.models import OrgUnit

from .models import ProtectedName

NAME_LENGTH = ProtectedName._meta.get_field("name").max_length
KIND_OF_UNIT = {
    OrgUnit.Kind.DISTRICT: ProtectedName.Kind.DISTRICT,
    OrgUnit.Kind.SCHOOL: ProtectedName.Kind.SCHOOL,
    OrgUnit.Kind.DEPARTMENT: ProtectedName.Kind.DEPARTMENT,
    OrgUnit.Kind.PROGRAM: ProtectedName.Kind.PROGRAM,
}


def names_of_units(units) -> tuple[list[ProtectedName], list[OrgUnit]]:
    """(the unsaved protected name of each unit, the units whose name is too long to be
    one): a long name is left for the administrator to protect in a shorter form."""
    names, too_long = [], []
    for unit in units:
        if len(unit.name) > NAME_LENGTH:
            too_long.append(unit)
        else:
            names.append(ProtectedName(name=unit.name, kind=KIND_OF_UNIT[unit.kind], owner=unit))
    return names, too_long


@transaction.atomic
def add_protected_names(names: list[ProtectedName], *, actor) -> list[ProtectedName]:
    """Save each of ``names`` (unsaved, with their owner) that its owner does not protect
    already, whatever the case of its letters; returns those added, one audit event each.
    A constant number of statements whatever the number of names."""
    owners = {name.owner_id for name in names}
    have = {(owner, text.casefold())
            for owner, text in ProtectedName.objects.filter(owner__in=owners).values_list("owner_id", "name")}
    wanted = []
    for name in names:
        key = (name.owner_id, name.name.casefold())
        if key not in have:
            have.add(key)
            wanted.append(name)
    added = ProtectedName.objects.bulk_create(wanted)
    if added:
        changed_in_bulk(ProtectedName)  # verify's answers name them (``page_cache``)
    record_many(actor=actor, verb="protectedname.added_from_catalogue",
                items=[(name, None, {"name": name.name, "kind": name.kind, "owner": name.owner.code})
                       for name in added])
    return added
