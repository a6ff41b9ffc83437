# MPS Social: one image for every long-running service in docker-compose.yml
# (web under gunicorn, the Celery worker, Celery beat, and the one-shot migrate job).
# It holds no secret: configuration comes from the environment at run time
# (see mps_social/settings.py and .env.example).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# An unprivileged account to run as; it owns nothing under /app but var/.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

# Runtime dependencies only (requirements-dev.txt stays out of the image). Every pin in
# requirements.txt ships a manylinux wheel for CPython 3.11, so no compiler is needed.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Collect static files with the *production* storage (whitenoise's
# CompressedManifestStaticFilesStorage), so the manifest that production's {% static %}
# needs is baked in. Production settings refuse to load without their required
# variables (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, ESCROW_KEYS, ...), so this
# one step gets throwaway values: they exist only for this RUN (not ENV), collectstatic
# opens no database or broker connection and never the key ring (the ESCROW_KEYS
# placeholder is well formed, as the settings require, but its key is 32 zero bytes and
# exists only in this step), and REDIS_URL keeps celery.py from creating the
# filesystem-broker folders under var/.
RUN DJANGO_ENV=production \
    SECRET_KEY=build-time-placeholder-only-never-used-at-run-time-0123456789abcdef \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    PORTAL_BASE_URL=https://build.invalid \
    DEFAULT_FROM_EMAIL=build@build.invalid \
    ESCROW_KEYS=build-placeholder:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown app:app /app/var

USER app

EXPOSE 8000

# Health checks live in docker-compose.yml, not in the image.
CMD ["gunicorn", "mps_social.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
