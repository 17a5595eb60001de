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

from config.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
