"""The escrow's key ring and its keys (Policy 4038 §III.E, R-III-E): AES-256-GCM that
refuses altered or misplaced values, ``ESCROW_KEYS`` parsing, a new key from
``escrow_key``, and ``rotate_escrow_keys`` moving every sealed value (credentials,
two-factor secrets and the key ring canary) onto the newest key without ever printing
one. What a wrong ring does to the check, /healthz and the pages is in
tests/test_key_ring_canary.py."""

import base64
import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, ManagementUtility, call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.utils import timezone

from accounts.models import OfficialAccount
from credentials import canary, mfa
from credentials.keyring import CannotDecrypt, keyring, new_key_line, parse
from credentials.models import CredentialVersion, KeyRingCanary, Secrets

from .matrix_registry import registry_account

OLD, MID, NEW = new_key_line("old"), new_key_line("mid"), new_key_line("new")
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


# --- The key ring ---------------------------------------------------------------------------

def test_a_sealed_value_opens_only_intact_and_where_it_was_sealed():
    ring = parse(NEW)
    key_id, sealed = ring.seal(b"the password", aad=b"credentials:1:1")
    assert key_id == "new" and b"the password" not in sealed
    assert ring.open(key_id, sealed, aad=b"credentials:1:1") == b"the password"
    for position in (0, 12, len(sealed) // 2, len(sealed) - 1):  # nonce, ciphertext, tag
        tampered = bytearray(sealed)
        tampered[position] ^= 0x01
        with pytest.raises(CannotDecrypt):
            ring.open(key_id, bytes(tampered), aad=b"credentials:1:1")
    with pytest.raises(CannotDecrypt):  # moved onto another row
        ring.open(key_id, sealed, aad=b"credentials:1:2")
    with pytest.raises(CannotDecrypt):
        ring.open(key_id, sealed[:12], aad=b"credentials:1:1")
    with pytest.raises(CannotDecrypt):  # a key the ring lacks
        ring.open("old", sealed, aad=b"credentials:1:1")
    with pytest.raises(CannotDecrypt):  # another key under the same id
        parse(new_key_line("new")).open(key_id, sealed, aad=b"credentials:1:1")
    assert ring.seal(b"the password", aad=b"x")[1] != ring.seal(b"the password", aad=b"x")[1]  # fresh nonce


def test_the_newest_key_seals_and_every_key_opens():
    old_ring, ring = parse(OLD), parse(f"{NEW}, {MID}\n{OLD}")
    assert ring.ids() == ["new", "mid", "old"] and ring.newest_id == "new"
    key_id, sealed = old_ring.seal(b"v", aad=b"a")
    assert ring.open(key_id, sealed, aad=b"a") == b"v"
    assert ring.seal(b"v", aad=b"a")[0] == "new"


@pytest.mark.parametrize("text,message", [
    ("", "ESCROW_KEYS holds no key"),
    (" , ", "ESCROW_KEYS holds no key"),
    ("just-an-id", "entry 1 is not 'key-id:base64 of 32 random bytes'"),
    (f"{NEW},k2:", "entry 2 is not 'key-id:base64 of 32 random bytes'"),
    (":" + NEW.partition(":")[2], "entry 1 is not 'key-id:base64"),
    ("bad!id:" + NEW.partition(":")[2], "the key id of entry 1 may hold only letters, digits"),
    ("k" * 33 + ":" + NEW.partition(":")[2], "the key id of entry 1 may hold only letters, digits"),
    ("k1:c2hvcnQ=", "the key 'k1' is 5 bytes long; each key must be 32 random bytes"),  # "short"
    ("k1:" + "A" * 42, "the key 'k1' is 31 bytes long"),
    ("k1:not*base64*at*all*but*forty-four*letters*", "the key 'k1' is not valid base64"),
    ("k1:" + "A" * 43 + "==", "the key 'k1' is not valid base64"),  # padding where none belongs
    (f"{NEW},{NEW}", "the key id 'new' appears twice"),
])
def test_bad_escrow_keys_are_refused_with_the_reason(text, message):
    """R-III-E: each way a ring can be malformed has its own reason, and none quotes a key."""
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)) as refused:
        parse(text)
    assert NEW.partition(":")[2] not in str(refused.value)


def test_a_key_in_either_base64_alphabet_with_or_without_padding_is_read_alike():
    key = bytes(range(200, 232))  # encodes with "+" and "/" in the standard alphabet
    standard, url_safe = base64.b64encode(key).decode(), base64.urlsafe_b64encode(key).decode()
    assert "+" in standard or "/" in standard
    for text in (standard, url_safe, url_safe.rstrip("=")):
        assert dict(parse(f"k1:{text}").keys)["k1"] == key


def test_the_ring_follows_the_settings(settings):
    settings.ESCROW_KEYS = OLD
    assert keyring().ids() == ["old"]
    settings.ESCROW_KEYS = f"{NEW},{OLD}"
    assert keyring().ids() == ["new", "old"]


def seal_canary(ring_text: str) -> None:
    """The key ring canary as the migrations would have sealed it under ``ring_text``."""
    with override_settings(ESCROW_KEYS=ring_text):
        key_id, sealed = canary.seal(keyring())
    KeyRingCanary.objects.update_or_create(pk=KeyRingCanary.ONLY, defaults={"key_id": key_id, "sealed": sealed})


def test_manage_check_fails_on_a_malformed_ring_in_use(db, settings, tmp_path):
    """R-III-E: ``manage.py check`` reads the ring the escrow will use (credentials/checks.py):
    one set by the settings, or the development ring's file, and names what is wrong."""
    seal_canary(OLD)
    settings.ESCROW_KEYS = "k1:c2hvcnQ="
    with pytest.raises(SystemCheckError, match=r"credentials\.E001.*ESCROW_KEYS: the key 'k1' is 5 bytes long"):
        call_command("check")
    settings.ESCROW_KEYS, settings.ESCROW_KEY_FILE = "", tmp_path / "escrow-keys"
    # No development ring: the check does not make one, and says the canary cannot open.
    with pytest.raises(SystemCheckError, match=r"credentials\.E002.*escrow-keys is missing: it cannot open the "
                                               r"canary sealed in this database by the key 'old'"):
        call_command("check")
    assert not settings.ESCROW_KEY_FILE.exists()
    settings.ESCROW_KEY_FILE.write_text(f"{OLD}\n{OLD}\n")
    with pytest.raises(SystemCheckError, match=r"escrow-keys: the key id 'old' appears twice"):
        call_command("check")
    settings.ESCROW_KEY_FILE.write_text(f"{OLD}\n")
    call_command("check")


# --- escrow_key -----------------------------------------------------------------------------

def test_escrow_key_prints_one_new_entry_and_a_hint():
    out, err = StringIO(), StringIO()
    call_command("escrow_key", stdout=out, stderr=err)
    line = out.getvalue().strip()
    assert "\n" not in line and len(parse(line).keys) == 1
    assert "first in ESCROW_KEYS" in err.getvalue() and "rotate_escrow_keys" in err.getvalue()
    again = StringIO()
    call_command("escrow_key", "--id", "2026-07", stdout=again, stderr=StringIO())
    assert parse(again.getvalue()).ids() == ["2026-07"]
    assert again.getvalue().partition(":")[2] != line.partition(":")[2]
    with pytest.raises(CommandError):
        call_command("escrow_key", "--id", "no spaces", stdout=StringIO(), stderr=StringIO())


# --- rotate_escrow_keys ---------------------------------------------------------------------

def secrets_for(number: int) -> Secrets:
    return Secrets(login=f"login-{number}", password=f"pw-{number}-Zq8", recovery_codes=f"rc-{number}",
                   totp_seed=f"SEED{number}", notes=f"note-{number}")


def make_versions(district, rings: list[str]) -> list[CredentialVersion]:
    """One version per ring of the account, each sealed with that ring; the last is current."""
    account = OfficialAccount.objects.get(pk=registry_account(district)["pk"])
    rows = []
    for number, ring_text in enumerate(rings, start=1):
        row = CredentialVersion(account=account, number=number, created_by=district.teacher,
                                replaced_at=None if number == len(rings) else timezone.now())
        with override_settings(ESCROW_KEYS=ring_text):
            row.key_id, row.sealed = keyring().seal(secrets_for(number).to_bytes(), aad=row.aad)
        row.save()
        rows.append(row)
    return rows


def make_mfa(user, ring_text) -> tuple[Authenticator, Authenticator]:
    with override_settings(ESCROW_KEYS=ring_text):
        return TOTP.activate(user, TOTP_SECRET).instance, RecoveryCodes.activate(user).instance


def rotate(**options):
    out, err = StringIO(), StringIO()
    call_command("rotate_escrow_keys", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def plaintexts(number: int) -> list[str]:
    s = secrets_for(number)
    return [s.password, s.recovery_codes, s.totp_seed, s.notes, s.login]


@pytest.fixture
def rotated_world(district, settings):
    """Five versions on three rings, two people with two-factor secrets on old keys; the
    ring is now NEW first."""
    settings.ESCROW_KEYS = f"{NEW},{MID},{OLD}"
    seal_canary(OLD)
    versions = make_versions(district, [OLD, OLD, f"{MID},{OLD}", f"{MID},{OLD}", NEW])
    teacher_mfa = make_mfa(district.teacher, OLD)
    principal_mfa = make_mfa(district.principal, MID)
    codes = {a.user_id: RecoveryCodes(a).generate_codes() for a in (teacher_mfa[1], principal_mfa[1])}
    return versions, teacher_mfa, principal_mfa, codes


def test_rotation_moves_every_value_to_the_newest_key(rotated_world):
    versions, teacher_mfa, principal_mfa, codes = rotated_world
    assert sorted(v.key_id for v in versions) == ["mid", "mid", "new", "old", "old"]

    out, err = rotate(batch_size=2)

    assert err == ""
    ring = keyring()
    for row in CredentialVersion.objects.order_by("number"):
        assert row.key_id == "new"
        assert Secrets.from_bytes(ring.open(row.key_id, bytes(row.sealed), aad=row.aad)) == secrets_for(row.number)
    for authenticator in Authenticator.objects.all():
        values = [authenticator.data.get("secret"), authenticator.data.get("seed")]
        assert all(mfa.key_id_of(value) == "new" for value in values if value)
        if authenticator.type == "totp":
            assert mfa.unseal(authenticator.data["secret"]) == TOTP_SECRET
        else:
            assert RecoveryCodes(authenticator).generate_codes() == codes[authenticator.user_id]
    assert canary.why_not(ring, KeyRingCanary.objects.get()) is None
    assert KeyRingCanary.objects.get().key_id == "new"
    assert "Credential versions: 5 open, 4 re-sealed, 0 do not open." in out
    assert "Two-factor secrets: 4 open, 4 re-sealed; 0 authenticator(s) with a secret that does not open." in out
    assert "Key ring canary: opens, re-sealed by key new." in out
    assert "Every sealed value opens with the key ring." in out
    assert "Credential versions by key: new: 5; 0 left on other keys." in out
    assert "Two-factor secrets by key: new: 4; 0 left on other keys." in out
    assert "so far" in out  # progress, batch by batch
    everything = out + err
    for number in range(1, 6):
        assert not any(text in everything for text in plaintexts(number))
    assert TOTP_SECRET not in everything
    assert not any(code in everything for batch in codes.values() for code in batch)
    for key_line in (OLD, MID, NEW):
        assert key_line.partition(":")[2] not in everything


def test_rotating_again_changes_nothing(rotated_world):
    rotate()
    before = {row.pk: (row.key_id, bytes(row.sealed)) for row in CredentialVersion.objects.all()}
    mfa_before = {a.pk: a.data for a in Authenticator.objects.all()}
    out, err = rotate()
    assert err == ""
    assert {row.pk: (row.key_id, bytes(row.sealed)) for row in CredentialVersion.objects.all()} == before
    assert {a.pk: a.data for a in Authenticator.objects.all()} == mfa_before
    assert "Credential versions: 5 open, 0 re-sealed" in out and "Two-factor secrets: 4 open, 0 re-sealed" in out
    assert "Key ring canary: opens (key new)." in out


def test_a_value_that_does_not_open_is_reported_left_alone_and_fails_the_run(rotated_world, capsys):
    versions, teacher_mfa, principal_mfa, codes = rotated_world
    tampered = versions[0]
    sealed = bytearray(tampered.sealed)
    sealed[20] ^= 0xFF
    CredentialVersion.objects.filter(pk=tampered.pk).update(sealed=bytes(sealed))
    lost_key = versions[2]  # names a key the ring does not have (or no longer has)
    CredentialVersion.objects.filter(pk=lost_key.pk).update(key_id="gone")
    plain = teacher_mfa[0]
    plain.data["secret"] = TOTP_SECRET  # as allauth's default adapter would have stored it
    plain.save()

    with pytest.raises(CommandError) as failure:
        rotate()
    message = str(failure.value)
    assert message.startswith("3 value(s) do not open with the key ring and were left as they are: ")
    assert f"credential version {tampered.pk}" in message and f"credential version {lost_key.pk}" in message
    assert f"two-factor authenticator {plain.pk}" in message
    assert "canary" not in message  # it opens, and moved with the rest

    tampered.refresh_from_db()
    assert tampered.key_id == "old" and bytes(tampered.sealed) == bytes(sealed)
    lost_key.refresh_from_db()
    assert lost_key.key_id == "gone"
    plain.refresh_from_db()
    assert plain.data["secret"] == TOTP_SECRET
    # Everything else moved.
    assert set(CredentialVersion.objects.exclude(pk__in=[tampered.pk, lost_key.pk])
               .values_list("key_id", flat=True)) == {"new"}
    assert mfa.key_id_of(Authenticator.objects.get(pk=teacher_mfa[1].pk).data["seed"]) == "new"

    # Run through manage.py's own entry point: the exit status is non-zero, and neither
    # the report nor the error shows a secret.
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "rotate_escrow_keys"]).execute()
    assert exit_info.value.code not in (0, None)
    captured = capsys.readouterr()
    everything = captured.out + captured.err
    assert f"Credential version {tampered.pk} (key old) does not open" in everything
    assert "Credential versions by key: new: 3, old: 1, gone: 1; 2 left on other keys." in everything
    assert "(not sealed): 1" in everything
    assert TOTP_SECRET not in everything
    assert not any(text in everything for number in range(1, 6) for text in plaintexts(number))


def test_rotation_with_nothing_to_do(db, settings):
    settings.ESCROW_KEYS = NEW
    seal_canary(NEW)
    out, err = rotate()
    assert "Credential versions by key: new: 0; 0 left on other keys." in out and err == ""
    assert "Every sealed value opens with the key ring." in out


def test_r_iii_e_a_rotation_is_one_audit_event_of_counts_and_key_ids(rotated_world):
    """R-III-E: re-sealing the escrow is on the trail: how many values moved off which key
    ids onto which, never a key or a secret. Verifying writes nothing."""
    from audits.models import AuditEvent

    rotate(verify=True)
    assert not AuditEvent.objects.filter(verb="credentials.keys_rotated").exists()

    rotate()
    event = AuditEvent.objects.get(verb="credentials.keys_rotated")
    # Versions: 2 on old, 2 on mid; two-factor secrets: 2 on old, 2 on mid; the canary on old.
    assert event.before == {"key_ids": ["mid", "old"]}
    assert event.after == {"key_id": "new", "resealed": 9, "resealed_by_old_key": {"mid": 4, "old": 5},
                           "not_opened": 0}
    assert event.actor is None and event.target_type == "credentials.keyringcanary"
    written = str(event.before) + str(event.after) + event.reason + event.target_label
    for key_line in (OLD, MID, NEW):
        assert key_line.partition(":")[2] not in written
    assert not any(text in written for number in range(1, 6) for text in plaintexts(number))

    rotate()  # again: nothing moves, and the run is still recorded
    again = AuditEvent.objects.filter(verb="credentials.keys_rotated").order_by("-sequence").first()
    assert again.after["resealed"] == 0 and again.before == {"key_ids": []}
