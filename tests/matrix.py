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


@dataclass
class Row:
    expected: dict
    method: str = "get"
    kwargs: Callable = field(default=lambda district: {})
    # Where an anonymous visitor's 302 must lead: the sign-in page, unless said otherwise.
    anonymous_redirect: str = "/accounts/login/"
