"""Two-factor sign-in secrets, sealed by the escrow's key ring (Policy 4038 §III.E).

allauth's ``DefaultMFAAdapter`` stores the secrets of two-factor sign-in as they are: the
TOTP seed of every authenticator app (``Authenticator.data["secret"]``) and the seed the
recovery codes derive from (``data["seed"]``) would sit in plain text in the database, in
every dump and every backup. Anyone holding a copy could then produce valid codes, and the
second factor that guards revealing escrowed credentials would be worth nothing. This
adapter seals them with the same AES-256-GCM key ring as the escrow
(``credentials.keyring``), so rotating ``ESCROW_KEYS`` (``rotate_escrow_keys``) covers them
too.

A sealed value is the string ``escrow1$<key id>$<urlsafe base64 of nonce + ciphertext>``,
bound to ``MFA_AAD``. ``decrypt`` accepts nothing else: a value without the prefix, from a
key the ring lacks, or altered raises ``CannotDecrypt`` and never passes through as
plaintext. (The portal never ran allauth.mfa with the default adapter, so no plaintext
rows exist to be read.)

A secret that does not open (the ring in force is not the one that sealed it, or the row
was altered) makes allauth's code check raise ``CannotDecrypt``. The sign-in and
confirmation forms (``MFA_FORMS``) turn that into a plain message beside the code, in
place of a server error: signing in fails closed, and says it is not the person's fault.
"""

import base64
import binascii
import logging

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from django import forms

from .keyring import CannotDecrypt, KeyRing, keyring

logger = logging.getLogger(__name__)

PREFIX = "escrow1"
MFA_AAD = b"mfa-secret"


def seal(text: str, ring: KeyRing | None = None) -> str:
    key_id, sealed = (ring or keyring()).seal(text.encode(), aad=MFA_AAD)
    return f"{PREFIX}${key_id}${base64.urlsafe_b64encode(sealed).decode('ascii')}"


def _split(value) -> tuple[str, bytes]:
    if not isinstance(value, str):
        raise CannotDecrypt("Not a sealed two-factor secret.")
    prefix, _, rest = value.partition("$")
    key_id, _, encoded = rest.partition("$")
    if prefix != PREFIX or not key_id or not encoded:
        raise CannotDecrypt("Not a sealed two-factor secret.")
    try:
        return key_id, base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (binascii.Error, ValueError):
        raise CannotDecrypt("Not a sealed two-factor secret.") from None


def key_id_of(value) -> str:
    """The id of the key that sealed ``value`` (raises ``CannotDecrypt`` if it is not sealed)."""
    return _split(value)[0]


def unseal(value, ring: KeyRing | None = None) -> str:
    key_id, sealed = _split(value)
    return (ring or keyring()).open(key_id, sealed, aad=MFA_AAD).decode()


class EscrowMFAAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter with its secrets sealed by the escrow's key ring, and its
    refusal to enrol in the portal's words: the only unverified address in the portal is
    one the HR roster changed, waiting for its link (``people.addresses``)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "unverified_email": "HR changed your email address: you can turn on two-factor sign-in once you have "
                            "opened the link we sent to the new address. For a new link, open “Your email address” "
                            "below.",
    }

    def encrypt(self, text: str) -> str:
        return seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return unseal(encrypted_text)


UNREADABLE = ("Your two-factor sign-in cannot be checked just now: the portal cannot unlock what it keeps for it. "
              "Your code may well be right. Please tell the district's technology team.")


class UnreadableSecretMessage:
    """Mixed into allauth's code forms: a stored secret that does not open is said in
    plain words beside the code, and logged by the person's id only."""

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except CannotDecrypt:
            logger.error("A two-factor secret of user %s does not open with the key ring: run "
                         "`manage.py rotate_escrow_keys --verify`.", self.user.pk)
            raise forms.ValidationError(UNREADABLE, code="unreadable") from None


class EscrowAuthenticateForm(UnreadableSecretMessage, AuthenticateForm):
    """The code asked for after the password (``MFA_FORMS["authenticate"]``)."""


class EscrowReauthenticateForm(UnreadableSecretMessage, ReauthenticateForm):
    """The code that confirms a signed-in person again (``MFA_FORMS["reauthenticate"]``)."""
