"""The restore drill, for real (Policy 4038 §III.E, R-III-E; SECURITY.md "Backup and
restore"): a database with people, an official account with escrowed credentials and a
second factor is dumped with ``pg_dump`` under ``umask 077``, restored with ``pg_restore``
into a database of its own, and the portal, pointed at the restored database through
``DATABASE_URL`` as an operator would, is shown to be whole:

- with the ring the database was written with, ``check`` is clean, ``verify_audit_trail``
  passes, ``rotate_escrow_keys --verify`` opens every sealed value and the escrowed
  password reveals as it was escrowed;
- with a new key under the same id, ``check`` fails naming ``credentials.E002``, and no
  page answers 500: ``/healthz`` 503, the two-factor sign-in a plain message, the reveal
  "cannot be decrypted", the two-factor page a 503 in plain words.

Each command runs in a process of its own (``manage.py``), on the restored database only.
pg_dump and pg_restore are PostgreSQL's: on SQLite this is skipped (CI runs it in its
PostgreSQL pass). The restored database is dropped afterwards.
"""

import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
from urllib.parse import quote

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection
from django.test import override_settings

from credentials.keyring import new_key_line
from credentials.models import CredentialVersion

from .factories import TEST_PASSWORD
from .test_escrow import CANARY, escrowed
from .test_escrow_keys import seal_canary
from .test_settings import ROOT

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="pg_dump and pg_restore are PostgreSQL's; SQLite has neither (CI runs this on "
                              "PostgreSQL)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # what is dumped must be committed
]

RING = new_key_line("k1")
SAME_ID = new_key_line("k1")  # another random key under the same id: the wrong ring that looks right
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def pg_env() -> dict:
    """The PostgreSQL tools' connection settings, those of the test database."""
    settings = connection.settings_dict
    values = {"PGHOST": settings["HOST"] or "localhost", "PGPORT": str(settings["PORT"] or 5432),
              "PGUSER": settings["USER"], "PGPASSWORD": settings["PASSWORD"]}
    return {**os.environ, **{name: value for name, value in values.items() if value}}


def database_url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    return (f"postgres://{quote(settings['USER'], safe='')}{password}@{settings['HOST'] or 'localhost'}:"
            f"{settings['PORT'] or 5432}/{name}")


@pytest.fixture
def restored_database(tmp_path):
    """A new, empty database beside the test database; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored_{secrets.token_hex(3)}"
    subprocess.run(["createdb", name], env=pg_env(), check=True, capture_output=True, timeout=60)
    try:
        yield name
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", name], env=pg_env(), check=True, capture_output=True,
                       timeout=60)


def manage(*args, database: str, ring: str, var_dir) -> subprocess.CompletedProcess:
    """``python manage.py ...`` as the operator runs it after a restore: the embedded
    settings, pointed at ``database`` with ``ESCROW_KEYS=ring``."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}}
    env.update(DATABASE_URL=database_url(database), ESCROW_KEYS=ring, VAR_DIR=str(var_dir))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


# Run in ``manage.py shell`` against the restored database: the pages a person meets.
PAGES = """
import json, time
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.test.utils import setup_test_environment
from accounts.models import OfficialAccount
from people.models import User

setup_test_environment()  # the test client's host, and mail kept in memory
account = OfficialAccount.objects.get(handle="north_escrow")
teacher = User.objects.get(email="teacher@example.org")
seen = {}

health = Client().get("/healthz")
seen["healthz"] = [health.status_code, health.json()["escrow"]]

visitor = Client(raise_request_exception=False)
seen["password"] = visitor.post("/accounts/login/", {"login": teacher.email, "password": PASSWORD})["Location"]
if 30 - time.time() % 30 < 2:
    time.sleep(2.1)
code = format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))
answer = visitor.post("/accounts/2fa/authenticate/", {"code": code})
seen["code"] = [answer.status_code, "cannot unlock what it keeps for it" in answer.content.decode(),
                "_auth_user_id" in visitor.session]

manager = Client(raise_request_exception=False)
manager.force_login(teacher, backend="django.contrib.auth.backends.ModelBackend")
session = manager.session
session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
session["account_authentication_methods_user"] = str(teacher.pk)
session.save()
reveal = manager.post(f"/credentials/{account.pk}/reveal/", {"reason_kind": "recover", "reason": "Restore drill."})
seen["reveal"] = [reveal.status_code, "cannot be decrypted" in reveal.content.decode(),
                  CANARY in reveal.content.decode()]
two_factor = manager.get("/accounts/2fa/")
seen["two_factor_page"] = [two_factor.status_code, "cannot unlock" in two_factor.content.decode()]
print(json.dumps(seen))
"""


def pages(database, ring, var_dir) -> dict:
    script = f"PASSWORD, SECRET, CANARY = {TEST_PASSWORD!r}, {TOTP_SECRET!r}, {CANARY!r}\n" + PAGES
    result = manage("shell", "-c", script, database=database, ring=ring, var_dir=var_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_r_iii_e_a_dump_restores_whole_with_its_ring_and_fails_loudly_with_another(
        district, settings, restored_database, tmp_path):
    assert shutil.which("pg_dump") and shutil.which("pg_restore"), "the PostgreSQL client tools are needed"

    # --- A district written under RING ---------------------------------------------------
    settings.ESCROW_KEYS = RING
    seal_canary(RING)  # as the migrations would have under RING
    account = escrowed(district)
    TOTP.activate(district.teacher, TOTP_SECRET)
    RecoveryCodes.activate(district.teacher)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        district.teacher.set_password(TEST_PASSWORD)  # with a hasher the portal's own settings read
        district.teacher.save(update_fields=["password"])
    assert CredentialVersion.objects.filter(account=account).count() == 1

    # --- Dump, as the documented command does: only the owner may read it ----------------
    dump = tmp_path / "mps_social.dump"
    subprocess.run(["sh", "-c", 'umask 077 && pg_dump --format=custom "$1" > "$2"', "sh",
                    connection.settings_dict["NAME"], str(dump)], env=pg_env(), check=True, timeout=300)
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert CANARY.encode() not in dump.read_bytes() and TOTP_SECRET.encode() not in dump.read_bytes()

    # --- Restore into a database of its own ------------------------------------------------
    restored = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored_database,
                               str(dump)], env=pg_env(), capture_output=True, text=True, timeout=300)
    assert restored.returncode == 0, restored.stderr

    # --- With the ring it was written with: whole ------------------------------------------
    def run(*args, ring=RING):
        return manage(*args, database=restored_database, ring=ring, var_dir=tmp_path)

    check = run("check")
    assert check.returncode == 0, check.stderr
    trail = run("verify_audit_trail")
    assert trail.returncode == 0 and "Audit trail intact" in trail.stdout, trail.stdout + trail.stderr
    verified = run("rotate_escrow_keys", "--verify")
    assert verified.returncode == 0, verified.stderr
    assert "Credential versions: 1 open" in verified.stdout and "Two-factor secrets: 2 open" in verified.stdout
    assert "Every sealed value opens with the key ring." in verified.stdout
    seen = pages(restored_database, RING, tmp_path)
    assert seen["healthz"] == [200, {"ok": True}]
    assert seen["password"] == "/accounts/2fa/authenticate/" and seen["code"] == [302, False, True]
    assert seen["reveal"] == [200, False, True]  # the escrowed password, as it was escrowed
    assert seen["two_factor_page"][0] == 200

    # --- With a new key under the same id: loud, and no page answers 500 ------------------
    check = run("check", ring=SAME_ID)
    assert check.returncode != 0
    assert "credentials.E002" in check.stderr and "another key under the same id" in check.stderr
    assert SAME_ID.partition(":")[2] not in check.stderr and RING.partition(":")[2] not in check.stderr
    verified = run("rotate_escrow_keys", "--verify", ring=SAME_ID)
    assert verified.returncode != 0 and "4 value(s) do not open with the key ring" in verified.stderr
    seen = pages(restored_database, SAME_ID, tmp_path)
    assert seen["healthz"] == [503, {"ok": False}]
    assert seen["code"] == [200, True, False]  # a plain message, not signed in
    assert seen["reveal"] == [200, True, False]
    assert seen["two_factor_page"] == [503, True]
