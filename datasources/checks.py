"""System checks for the OAuth 2.0 and outbound settings the datasources app reads."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from datasources.transport import outbound_policy
from outbound import MAX_REDIRECTS_LIMIT, InvalidPolicyError


@register()
def check_oauth_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    public = getattr(settings, "BRACE_PUBLIC_URL", "")
    if public and not settings.DEBUG and not public.startswith("https://"):
        messages.append(
            Warning(
                "BRACE_PUBLIC_URL is not https: the OAuth 2.0 callback would carry "
                "authorization codes in clear text, and most providers refuse it.",
                hint="Set BRACE_PUBLIC_URL=https://your-host.",
                id="datasources.W001",
            )
        )
    ttl = getattr(settings, "BRACE_OAUTH_STATE_TTL_S", 600)
    if not 60 <= ttl <= 3600:
        messages.append(
            Error(
                f"BRACE_OAUTH_STATE_TTL_S is {ttl}: a pending authorization must live "
                "between 60 and 3600 seconds (RFC 6749 §10.12 wants it short).",
                id="datasources.E001",
            )
        )
    return messages


@register()
def check_outbound_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    # The policy is built from the settings at each call; say at start if it cannot be.
    try:
        outbound_policy()
    except InvalidPolicyError as exc:
        return [
            Error(
                f"BRACE_QUERY_MAX_REDIRECTS is {settings.BRACE_QUERY_MAX_REDIRECTS!r}: "
                f"{exc.field} {exc.message}.",
                hint=f"Set it to an integer from 0 to {MAX_REDIRECTS_LIMIT}.",
                id="datasources.E002",
            )
        ]
    return []
