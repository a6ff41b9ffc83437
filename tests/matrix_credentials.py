"""Authorization rows of the escrow's pages (R-III-E, Policy 4038 §III.E).

The subject is the matrix's North High account (``registry_account``): the teacher is its
site manager, the principal the teacher's supervisor. Reveal (its GET shows the reason
form; the POST needs a fresh reauthentication): the site manager, their supervisor and
the superintendent's office; anyone else 404, Django admin staff included. Escrowing is
the site manager's alone; the access history is the site manager's and the office's.
"""

from people.models import Power

from .matrix import NORTH, Row, only, staff
from .matrix_registry import registry_account

OUTSIDE = {"coach": 404, "contractor": 404, "outsider": 404, "admin": 404}
OFFICE = {"superintendent": 200, "designee": 200}
REVEAL = frozenset({Power.REVEAL_CREDENTIALS})

CREDENTIAL_ROWS = {
    "credentials:access": Row(staff()),
    "credentials:reveals": Row(only(OFFICE), powers=REVEAL),
    # Without a person to act on: back to the reveals, to choose one.
    "credentials:rotate_revealed": Row(only({"superintendent": 302, "designee": 302}), powers=REVEAL),
    "credentials:escrow": Row(only({"teacher": 200, "principal": 404, "superintendent": 404, "designee": 404,
                                    **OUTSIDE}), kwargs=registry_account),
    "credentials:reveal": Row(only({"teacher": 200, "principal": 200, **OFFICE, **OUTSIDE}),
                              kwargs=registry_account, powers=REVEAL, reach=NORTH),
    "credentials:reveal_authenticator_secret": Row(only({"teacher": 200, "principal": 200, **OFFICE, **OUTSIDE}),
                                                   kwargs=registry_account, powers=REVEAL, reach=NORTH),
    "credentials:history": Row(only({"teacher": 200, "principal": 404, **OFFICE, **OUTSIDE}),
                               kwargs=registry_account, powers=REVEAL, reach=NORTH),
    "credentials:grants": Row(only({"teacher": 404, "principal": 404, **OFFICE, **OUTSIDE}), kwargs=registry_account,
                              powers=REVEAL, reach=NORTH),
    # Ending a grant that does not exist: the office gets the plain 404 too.
    "credentials:revoke_grant": Row(only({"teacher": 404, "principal": 404, "superintendent": 404, "designee": 404,
                                          **OUTSIDE}), method="post",
                                    kwargs=lambda d: {**registry_account(d), "grant_pk": 999999}),
}
