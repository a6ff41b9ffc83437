"""Production settings: every deploy check clean, and no start without the real secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from credentials.keyring import new_key_line

ROOT = Path(__file__).resolve().parent.parent


def production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG"}}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="social.example.org",
        DATABASE_URL="postgres://mps_social@db.example.org:5432/mps_social",
        REDIS_URL="redis://redis.example.org:6379/0",
        PORTAL_BASE_URL="https://social.example.org",
        DEFAULT_FROM_EMAIL="MPS Social <social@example.org>",
        ESCROW_KEYS=new_key_line("prod1"),
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "PORTAL_BASE_URL", "DEFAULT_FROM_EMAIL", "ESCROW_KEYS"],
)
def test_production_refuses_to_start_without(missing):
    result = manage("check", env=production_env(**{missing: None}))
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_refuses_a_weak_secret_key_and_sqlite():
    assert "SECRET_KEY must be a long random value" in manage("check", env=production_env(SECRET_KEY="short")).stderr
    sqlite = manage("check", env=production_env(DATABASE_URL="sqlite:///tmp/x.sqlite3"))
    assert "Production runs on PostgreSQL" in sqlite.stderr


def test_production_refuses_to_reveal_credentials_without_a_second_factor():
    result = manage("check", env=production_env(ESCROW_REQUIRE_MFA="false"))
    assert result.returncode != 0
    assert "ESCROW_REQUIRE_MFA cannot be turned off in production" in result.stderr


def test_seed_demo_never_runs_in_production():
    result = manage("seed_demo", env=production_env())
    assert result.returncode != 0
    assert "never runs with DJANGO_ENV=production" in result.stderr


def test_the_embedded_default_needs_no_environment(settings):
    """With nothing set: SQLite under var/, the filesystem broker, mail to the console."""
    result = subprocess.run(
        [sys.executable, "-c",
         "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='mps_social.settings'; django.setup();"
         "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL,"
         " s.EMAIL_BACKEND, s.DEBUG, s.DATABASES['default']['CONN_MAX_AGE'] > 0)"],
        cwd=ROOT, env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}},
        capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.split() == [
        "mps_social.sqlite", "filesystem://", "django.core.mail.backends.console.EmailBackend", "False",
        "True",
    ], result.stderr


def test_production_requires_a_second_factor_of_privileged_staff():
    result = manage("check", env=production_env(MFA_REQUIRED_FOR_PRIVILEGED="false"))
    assert result.returncode != 0
    assert "MFA_REQUIRED_FOR_PRIVILEGED cannot be turned off in production" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    """Tracebacks show settings and code to whoever meets an error: asked for in production,
    the portal does not start, rather than quietly ignoring DJANGO_DEBUG."""
    result = manage("check", env=production_env(DJANGO_DEBUG="true"))
    assert result.returncode != 0
    assert "DJANGO_DEBUG cannot be on in production" in result.stderr
    assert manage("check", env=production_env(DJANGO_DEBUG="false")).returncode == 0


@pytest.mark.parametrize("environment", ["production", "development"])
def test_a_malformed_escrow_key_ring_refuses_to_start_with_the_reason(environment):
    """R-III-E: ``ESCROW_KEYS`` is read as the settings load, so a bad ring stops the start
    with its reason instead of failing at the first reveal."""
    key = new_key_line("k2").partition(":")[2]
    env = production_env(ESCROW_KEYS=f"k2:{key},k2:{key}")
    if environment == "development":
        env = {**{k: v for k, v in env.items() if k not in {"DATABASE_URL", "REDIS_URL"}}, "DJANGO_ENV": environment}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ESCROW_KEYS: the key id 'k2' appears twice." in result.stderr
    assert key not in result.stderr


def proxy_count(env):
    result = subprocess.run(
        [sys.executable, "-c",
         "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='mps_social.settings'; django.setup();"
         "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    return result.stdout.strip() or result.stderr


def test_one_trusted_proxy_count_serves_the_audit_trail_and_allauth():
    """TRUSTED_PROXY_COUNT sets allauth's ALLAUTH_TRUSTED_PROXY_COUNT, the one rule the audit
    trail's address reads too (mps_social.request_context): no proxy in development, one
    in production; a value that is not a count, or the old TRUST_X_FORWARDED_FOR (which
    believed the left-most entry, the client's own), refuses to start."""
    development = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}}
    assert proxy_count(development) == "0"
    assert proxy_count(production_env()) == "1"
    assert proxy_count(production_env(TRUSTED_PROXY_COUNT="2")) == "2"
    assert "TRUSTED_PROXY_COUNT must be a whole number" in proxy_count(production_env(TRUSTED_PROXY_COUNT="yes"))
    assert "TRUST_X_FORWARDED_FOR is replaced by TRUSTED_PROXY_COUNT" in proxy_count(
        production_env(TRUST_X_FORWARDED_FOR="true"))


def test_a_worker_leaves_what_start_up_made_out_of_the_collectors_walks():
    """The entry point gunicorn's workers import loads the URL map (and the views it names)
    and freezes what loading the portal made (mps_social.wsgi): a full collection falling
    due in a request walks only what requests made since, instead of stalling it
    (bench/RESULTS.md). The load test's entry point is the same one."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV"}}
    for module in ("mps_social.wsgi", "bench.wsgi"):
        result = subprocess.run(
            [sys.executable, "-c", f"import gc, sys, {module}; from django.conf import settings; "
                                   "print(gc.get_freeze_count(), settings.ROOT_URLCONF in sys.modules)"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        frozen, url_map_loaded = result.stdout.split()
        assert int(frozen) > 10_000 and url_map_loaded == "True", module
