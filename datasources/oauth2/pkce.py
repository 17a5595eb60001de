"""Proof Key for Code Exchange, S256 only (RFC 7636).

The ``plain`` method (§4.2) adds nothing against a leaked authorization
request, so Brace never offers it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

METHOD = "S256"


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str
    method: str = METHOD


def generate_verifier() -> str:
    """A high-entropy verifier (§4.1): 64 unreserved characters, 384 bits."""
    return secrets.token_urlsafe(48)


def s256_challenge(verifier: str) -> str:
    """BASE64URL(SHA256(ASCII(verifier))) without padding (§4.2)."""
    if not 43 <= len(verifier) <= 128:
        raise ValueError("A PKCE code verifier has 43 to 128 characters (RFC 7636 §4.1).")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def generate() -> Pkce:
    verifier = generate_verifier()
    return Pkce(verifier=verifier, challenge=s256_challenge(verifier))
