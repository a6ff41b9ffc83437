"""Building blocks of the authorization matrix (tests/test_authorization_matrix.py)."""

from dataclasses import dataclass, field
from typing import Callable

from .conftest import PERSONAS

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


def everyone(status):
    return {persona: status for persona in PERSONAS}


def public(status=200):
    return everyone(status)


def staff(status=200, anonymous=302):
    return {"anonymous": anonymous, **{p: status for p in SIGNED_IN}}


def only(allowed: dict, others=403, anonymous=302):
    return {"anonymous": anonymous, **{p: others for p in SIGNED_IN}, **allowed}


def signed_out_only(status=200, signed_in=302):
    return {"anonymous": status, **{p: signed_in for p in SIGNED_IN}}


# Where a delegated power reaches a page (tests/test_delegation_matrix.py):
ANYWHERE = "anywhere"  # a list or form, shown within the power's scopes wherever they are
NORTH = "north"  # the row's object, which lies in North High School
DISTRICT = "district"  # nothing less than the power over the whole district


@dataclass
class Row:
    expected: dict
    method: str = "get"
    kwargs: Callable = field(default=lambda district: {})
    # Where an anonymous visitor's 302 must lead: the sign-in page, unless said otherwise.
    anonymous_redirect: str = "/accounts/login/"
    # The delegated powers that reach this page, and where (ANYWHERE, NORTH or DISTRICT):
    # a designee holding none of them there gets what someone without a delegation gets.
    powers: frozenset = frozenset()
    reach: str = ANYWHERE
    # The delegated powers that show the row's North High object without opening this page
    # (an account's page, not its actions): a designee holding one of them there gets 403.
    seen_by: frozenset = frozenset()
