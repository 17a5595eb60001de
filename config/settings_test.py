"""Settings for the test suite: the production settings with test keys.

Tests run with DEBUG off, as production does; only the keys and the loopback
allowance differ. DATABASE_URL and REDIS_URL still come from the environment,
so the same suite runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os

os.environ.setdefault("SECRET_KEY", "brace-test-secret-key")
os.environ.setdefault("BRACE_ENCRYPTION_KEY", "brace-test-encryption-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("BRACE_OUTBOUND_ALLOW_PRIVATE", "1")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
# Tests (and the servers they start) speak plain HTTP on loopback.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The manifest storage needs `collectstatic`; tests render admin pages without it.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not SQLite's in-memory default, so that a real Celery worker or a
# second server process started by a test sees the same test database (tests
# hand it the name from connection.settings_dict). One file per test run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }

# Per process, and emptied before each test (tests/conftest.py): rate limits
# must not carry over from one test, or one run, to the next.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whitenoise expects STATIC_ROOT to exist; `collectstatic` never runs in tests.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
