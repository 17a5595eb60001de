"""The ``state`` parameter: random, signed, stored, single use, short-lived (RFC 6749 §10.12).

Appsmith's unsigned, guessable state let one workspace's authorization land
on another's datasource (GHSA-rg2x-4v4h-g78w). Here ``state`` is 256 random
bits signed with the server key (a forgery is rejected before any lookup);
only its SHA-256 is stored, with the user, a hash of the session key, the
datasource, where to send the browser back, the encrypted PKCE verifier and an
expiry. Consuming it is an atomic update, so a replay finds it used.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from datasources.errors import InvalidStateError
from datasources.models import AuthorizationState, Datasource

_SIGNER_SALT = "datasources.oauth2.state"


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def session_hash(session_key: str | None) -> str:
    return _sha256(f"session:{session_key}") if session_key else ""


def create_state(
    datasource: Datasource,
    *,
    user_id: int,
    session_key: str,
    return_to: str,
    redirect_uri: str,
    code_verifier: str = "",
) -> str:
    """Store a pending authorization; returns the ``state`` value for the provider."""
    nonce = secrets.token_urlsafe(32)
    AuthorizationState.objects.create(
        state_hash=_sha256(nonce),
        datasource=datasource,
        user_id=user_id,
        session_key_hash=session_hash(session_key),
        return_to=return_to,
        redirect_uri=redirect_uri,
        code_verifier=code_verifier,
        expires_at=timezone.now() + timedelta(seconds=settings.BRACE_OAUTH_STATE_TTL_S),
    )
    return signing.Signer(salt=_SIGNER_SALT).sign(nonce)


def consume_state(
    value: str, *, user_id: int | None, session_key: str | None
) -> AuthorizationState:
    """The pending authorization for ``value``, marked used. Raises InvalidStateError.

    A state presented by another user or session is burnt as well: whoever
    holds it is not the browser that started the flow.
    """
    rejected = InvalidStateError(
        "This authorization link is invalid, expired or already used. "
        "Start the authorization again."
    )
    try:
        nonce = signing.Signer(salt=_SIGNER_SALT).unsign(value)
    except signing.BadSignature:
        raise rejected from None
    now = timezone.now()
    fresh = AuthorizationState.objects.filter(
        state_hash=_sha256(nonce), used_at__isnull=True, expires_at__gt=now
    )
    row = fresh.select_related("datasource").first()
    if row is None or fresh.filter(pk=row.pk).update(used_at=now) != 1:
        raise rejected
    if user_id is None or row.user_id != user_id:
        raise rejected
    if not session_key or row.session_key_hash != session_hash(session_key):
        raise rejected
    return row


def purge_expired(older_than: timedelta = timedelta(days=1)) -> int:
    """Delete states that can no longer be used (kept a day for diagnosis)."""
    deleted, _ = AuthorizationState.objects.filter(
        expires_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
