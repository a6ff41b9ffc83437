"""Reads of people data, already narrowed to what the asking user may see."""

from django.db.models import QuerySet

from . import roles
from .models import Delegation, OrgUnit, User


def delegations_for(user) -> QuerySet[Delegation]:
    """All delegations for the superintendent; one's own for anybody else."""
    queryset = Delegation.objects.select_related("grantee", "granted_by", "scope", "revoked_by")
    if roles.is_superintendent(user):
        return queryset
    return queryset.filter(grantee=user)


def eligible_designees() -> QuerySet[User]:
    return User.objects.filter(is_active=True, kind=User.Kind.EMPLOYEE, is_superintendent=False).select_related(
        "org_unit"
    )


def org_units() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.all()
