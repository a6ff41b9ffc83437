"""A checked key ring (Policy 4038 §III.E, R-III-E): the key ring canary the migrations
seal (credentials.canary) makes a well-formed but wrong ``ESCROW_KEYS`` fail loudly.

The wrong ring that matters is a new random key under the id the old one had (``k1``,
which ``.env.example`` used to give every district): it parses, the portal starts, and
nothing it sealed opens. With it, ``manage.py check`` and ``check --deploy`` fail
(``credentials.E002``), ``/healthz`` answers 503, ``rotate_escrow_keys --verify`` names
every value that does not open and exits non-zero, and no page answers 500. With the
right ring, all of it is green. The same drill across a real dump and restore is in
tests/test_restore_drill.py.
"""

import os
import re
import subprocess
import sys
from html import escape
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse
from zeal import zeal_ignore

from credentials import canary, services
from credentials.keyring import keyring, new_key_line, parse
from credentials.mfa import UNREADABLE
from credentials.models import CredentialVersion, KeyRingCanary, Secrets

from .test_escrow import CANARY, escrowed, reauthenticated
from .test_escrow_keys import seal_canary
from .test_mfa import current_code, enroll, sign_in, signed_in
from .test_settings import ROOT

RING = new_key_line("k1")
SAME_ID = new_key_line("k1")  # another random key under the same id
OTHER_ID = new_key_line("k7c41d09e")


def key_of(line: str) -> str:
    return line.partition(":")[2]


@pytest.fixture
def world(district, settings):
    """A database written under ``RING``: the canary, an escrowed account (the teacher
    manages it) and the teacher's authenticator app and recovery codes."""
    settings.ESCROW_KEYS = RING
    seal_canary(RING)
    account = escrowed(district)
    client = Client()
    sign_in(client)
    secret = enroll(client)
    client.post("/accounts/logout/")
    return account, secret


def sealed_state() -> tuple:
    """Everything sealed, to show a command changed nothing."""
    return ([(row.pk, row.key_id, bytes(row.sealed)) for row in CredentialVersion.objects.order_by("pk")],
            [(row.pk, row.data) for row in Authenticator.objects.order_by("pk")],
            [(row.key_id, bytes(row.sealed)) for row in KeyRingCanary.objects.all()])


def rotate(*args) -> tuple[bool, str]:
    """``rotate_escrow_keys``: (whether it failed, everything it wrote). Failing is a
    ``CommandError``, which manage.py turns into exit status 1 (shown in a process of its
    own in test_r_iii_e_check_works_before_migrate_and_a_wrong_ring_stops_migrate)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("rotate_escrow_keys", *args, stdout=out, stderr=err)
    except CommandError as error:
        return True, out.getvalue() + err.getvalue() + str(error)
    return False, out.getvalue() + err.getvalue()


def assert_no_key_material(text: str):
    for line in (RING, SAME_ID, OTHER_ID):
        assert key_of(line) not in text


def test_r_iii_e_the_migrations_sealed_the_canary_with_the_ring_in_force(db):
    """The test database was migrated under the ring in force (the development ring here):
    one row, sealed by its newest key, opening to the public text and holding it only sealed."""
    row = KeyRingCanary.objects.get()
    ring = keyring()
    assert row.pk == KeyRingCanary.ONLY and row.key_id == ring.newest_id
    assert ring.open(row.key_id, bytes(row.sealed), aad=canary.AAD) == canary.PLAINTEXT
    assert canary.PLAINTEXT not in bytes(row.sealed)
    assert canary.why_not(ring, row) is None


def test_r_iii_e_with_the_right_ring_everything_is_green(world):
    call_command("check")
    call_command("check", deploy=True)
    health = Client().get("/healthz")
    assert health.status_code == 200 and health.json()["escrow"] == {"ok": True}
    before = sealed_state()
    failed, output = rotate("--verify")
    assert not failed, output
    assert "Verifying only: nothing is changed." in output
    assert "Credential versions: 1 open, 0 re-sealed, 0 do not open." in output
    assert "Two-factor secrets: 2 open, 0 re-sealed; 0 authenticator(s)" in output
    assert "Key ring canary: opens (key k1)." in output and "Every sealed value opens with the key ring." in output
    assert sealed_state() == before


def test_r_iii_e_a_new_key_under_the_old_id_fails_check_healthz_and_verify(world, district, settings):
    account, _ = world
    before = sealed_state()
    settings.ESCROW_KEYS = SAME_ID
    expected = (r"credentials\.E002.*The key 'k1' of ESCROW_KEYS does not open the key ring canary it sealed in this "
                r"database: it is another key under the same id")
    for options in ({}, {"deploy": True}):
        with pytest.raises(SystemCheckError, match=expected) as refused:
            call_command("check", **options)
        assert "rotate_escrow_keys --verify" in str(refused.value)
        assert_no_key_material(str(refused.value))

    health = Client().get("/healthz")
    assert health.status_code == 503
    assert health.json()["status"] == "unavailable" and health.json()["escrow"] == {"ok": False}
    assert health.json()["database"]["ok"] and health.json()["broker"]["ok"]
    assert_no_key_material(health.content.decode())

    version = CredentialVersion.objects.get(account=account)
    authenticators = list(Authenticator.objects.filter(user=district.teacher).order_by("pk")
                          .values_list("pk", flat=True))
    assert len(authenticators) == 2  # the app's secret, the recovery codes' seed
    for options in (["--verify"], []):
        failed, output = rotate(*options)
        assert failed
        named = re.search(r"(\d) value\(s\) do not open with the key ring[^:]*: (.*)\.", output)
        assert named and named.group(1) == "4", output
        assert named.group(2).split(", ") == [f"credential version {version.pk}",
                                              *[f"two-factor authenticator {pk}" for pk in authenticators],
                                              "the key ring canary"]
        assert f"Credential version {version.pk} (key k1) does not open." in output
        assert "Every sealed value opens" not in output
        assert CANARY not in output and canary.PLAINTEXT.decode() not in output
        assert_no_key_material(output)
        assert sealed_state() == before  # nothing re-sealed over a ring that opens nothing


def test_r_iii_e_a_ring_without_the_sealing_key_names_the_key_it_lacks(world, settings):
    settings.ESCROW_KEYS = OTHER_ID
    with pytest.raises(SystemCheckError, match=r"credentials\.E002.*ESCROW_KEYS has no key 'k1', which sealed the key "
                                               r"ring canary in this database.*\(its keys: k7c41d09e\)"):
        call_command("check")
    assert Client().get("/healthz").status_code == 503
    settings.ESCROW_KEYS = f"{OTHER_ID},{RING}"  # the old key kept after a new one: all is well
    call_command("check")
    assert Client().get("/healthz").status_code == 200


def test_r_iii_e_after_a_wrong_ring_no_page_answers_500(world, district, settings, client_for):
    account, secret = world
    settings.ESCROW_KEYS = SAME_ID

    # Two-factor sign-in: the right code, a plain message beside it, not signed in.
    client = Client()
    assert sign_in(client)["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 200 and escape(UNREADABLE) in response.content.decode()
    assert not signed_in(client)

    # Confirming with a code, signed in: the same message.
    teacher = client_for("teacher")
    response = teacher.post("/accounts/2fa/reauthenticate/", {"code": current_code(secret)})
    assert response.status_code == 200 and escape(UNREADABLE) in response.content.decode()

    # Revealing: "cannot be decrypted", and nothing revealed.
    reauthenticated(teacher, district.teacher)
    response = teacher.post(reverse("credentials:reveal", args=[account.pk]),
                            {"reason_kind": "recover", "reason": "Forgot it."})
    assert response.status_code == 200
    assert "cannot be decrypted" in response.content.decode() and CANARY not in response.content.decode()

    # Pages that show what the secrets make (the recovery codes): 503 in plain words.
    teacher.raise_request_exception = False
    for path in ("/accounts/2fa/", "/accounts/2fa/recovery-codes/"):
        response = teacher.get(path)
        assert response.status_code == 503, path
        assert "cannot unlock the sign-in and password records it keeps locked" in response.content.decode()
        assert "Traceback" not in response.content.decode()
    assert teacher.get("/").status_code == 200


def test_r_iii_e_a_missing_canary_fails_until_rotation_seals_it_again(world, settings):
    KeyRingCanary.objects.all().delete()
    with pytest.raises(SystemCheckError, match=r"credentials\.E002.*The database has no key ring canary"):
        call_command("check")
    assert Client().get("/healthz").status_code == 503
    failed, output = rotate("--verify")
    assert failed and "1 value(s) do not open with the key ring: the key ring canary." in output
    assert not KeyRingCanary.objects.exists()

    # A wrong ring never gets a new canary: what is sealed does not open with it.
    settings.ESCROW_KEYS = SAME_ID
    failed, output = rotate()
    assert failed and not KeyRingCanary.objects.exists()

    settings.ESCROW_KEYS = RING
    failed, output = rotate()
    assert not failed and "Key ring canary: missing, sealed again by key k1." in output
    call_command("check")
    assert Client().get("/healthz").status_code == 200


def subprocess_env(**values) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}}
    return {**env, **values}


def run(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_r_iii_e_check_works_before_migrate_and_a_wrong_ring_stops_migrate(tmp_path):
    """On a database of its own: ``check`` passes before ``migrate`` (nothing sealed yet),
    ``migrate`` seals the canary with the ring in force, and a new key under the same id
    then fails ``check`` and stops ``migrate``; ``escrow_key`` still prints a key."""
    env = subprocess_env(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}", VAR_DIR=str(tmp_path),
                         ESCROW_KEYS=RING)
    assert run("check", env=env).returncode == 0
    migrated = run("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert run("check", env=env).returncode == 0

    wrong = {**env, "ESCROW_KEYS": SAME_ID}
    for command in (["check"], ["migrate", "--noinput"]):
        result = run(*command, env=wrong)
        assert result.returncode != 0
        assert "credentials.E002" in result.stderr and "another key under the same id" in result.stderr
        assert_no_key_material(result.stdout + result.stderr)
    verified = run("rotate_escrow_keys", "--verify", env=wrong)
    assert verified.returncode == 1
    assert "1 value(s) do not open with the key ring: the key ring canary." in verified.stderr
    assert run("rotate_escrow_keys", "--verify", env=env).returncode == 0
    printed = run("escrow_key", env=wrong)
    assert printed.returncode == 0 and len(parse(printed.stdout).keys) == 1


def test_r_iii_e_the_first_key_of_env_example_gets_a_random_id():
    """``.env.example``'s generator prints what ``escrow_key`` prints: a random id
    ("k" and eight hex digits), so a district's new key never takes an old key's id."""
    text = (ROOT / ".env.example").read_text()
    command = re.search(r'^#\s+python3 -c "(.*)"$', text.split("ESCROW_KEYS=")[0].rsplit("# The key ring", 1)[1],
                        re.MULTILINE).group(1)
    ids = set()
    for _ in range(2):
        line = subprocess.run([sys.executable, "-c", command], capture_output=True, text=True, check=True).stdout
        ring = parse(line)
        assert len(ring.keys) == 1 and re.fullmatch(r"k[0-9a-f]{8}", ring.newest_id)
        ids.add(ring.newest_id)
    assert len(ids) == 2
    assert "k1:" not in text
    assert re.fullmatch(r"k[0-9a-f]{8}", parse(new_key_line()).newest_id)


def test_r_iii_e_nothing_is_sealed_under_a_wrong_ring(world, district, settings):
    """A new key under the canary's id: escrowing refuses in plain words and writes nothing,
    since what it sealed would open for nobody once the right ring is back."""
    account, _secret = world
    secrets = Secrets(login="north@example.org", password="new-password")
    settings.ESCROW_KEYS = SAME_ID
    before = sealed_state()
    with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):  # one account, twice
        with pytest.raises(services.EscrowError, match="encryption keys do not match") as refused:
            services.escrow(actor=district.teacher, account=account, secrets=secrets)
        assert key_of(SAME_ID) not in refused.value.message and "k1" not in refused.value.message
        assert sealed_state() == before
        settings.ESCROW_KEYS = RING
        services.escrow(actor=district.teacher, account=account, secrets=secrets)
    assert CredentialVersion.objects.filter(account=account).count() == 2
