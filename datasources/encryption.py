"""Encrypted text fields whose every key comes from BRACE_ENCRYPTION_KEY.

django-cryptography encrypts with CRYPTOGRAPHY_KEY (set from
BRACE_ENCRYPTION_KEY) but authenticates the ciphertext with an HMAC keyed by
SECRET_KEY, so rotating SECRET_KEY would make every stored client secret,
token and PKCE verifier unreadable. These fields sign with a key derived from
BRACE_ENCRYPTION_KEY instead: SECRET_KEY can rotate like any Django key.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django_cryptography.core.signing import FernetSigner
from django_cryptography.fields import encrypt
from django_cryptography.utils.crypto import FernetBytes


def _signing_key() -> bytes:
    # Distinct from the encryption key derived by django-cryptography.
    return hashlib.sha256(b"brace-field-signing:" + settings.BRACE_ENCRYPTION_KEY.encode()).digest()


def encrypted_text() -> models.TextField[str, str]:
    """An optional text field stored encrypted (empty string by default)."""
    field: models.TextField[str, str] = encrypt(models.TextField(blank=True, default=""))
    # encrypt() is annotated as returning its argument's type; it returns a
    # subclass that mixes in EncryptedMixin, which has `_fernet`.
    field._fernet = FernetBytes(None, FernetSigner(key=_signing_key()))  # type: ignore[attr-defined]
    return field
