"""The one place where the portal decides who may do what.

Every permission has a dotted name (``people.grant_delegation``) and a rule: a function of
the user and, for object permissions, the object. Apps register their rules in their own
``permissions.py`` (loaded at start-up by ``PortalConfig.ready``); views, templates and
services ask ``has_perm``. An unknown name is a programming error and raises, so a typo
can never quietly grant or deny.

Deny by default: an inactive user holds no permission, and a rule that does not say yes
says no. Roles are not stored: they are derived from the data (see ``people.roles``), so a
supervisor is whoever HR says supervises someone, and a designee's power comes from a
dated, scoped delegation.
"""

from dataclasses import dataclass
from typing import Any, Callable

Rule = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Permission:
    name: str
    description: str
    rule: Rule
    public: bool = False  # anonymous visitors may hold it (public pages)


_registry: dict[str, Permission] = {}


def register(name: str, description: str, *, public: bool = False):
    """Decorator: register ``rule(user, obj) -> bool`` under ``name``."""

    def decorator(rule: Rule) -> Rule:
        if name in _registry:
            raise ValueError(f"Permission {name!r} is registered twice.")
        _registry[name] = Permission(name, description, rule, public)
        return rule

    return decorator


def registered() -> dict[str, Permission]:
    return dict(_registry)


def has_perm(user, perm: str, obj=None) -> bool:
    try:
        permission = _registry[perm]
    except KeyError:
        raise LookupError(f"Unknown permission {perm!r}: register it first.") from None
    if user is None or not user.is_authenticated:
        return permission.public and bool(permission.rule(user, obj))
    if not user.is_active:
        return False
    return bool(permission.rule(user, obj))
