"""Every error the outbound package raises, in one tree.

Each class has a machine-readable ``code``; ``message`` is written for the
person who reads it (a developer in the editor, an operator in the logs);
``field`` names the offending input when there is one.

Hierarchy::

    OutboundPolicyError                 code, message, field (None unless named)
    ├── InvalidPolicyError              "invalid_config", field (policy.max_redirects)
    ├── BlockedAddressError             "blocked_address"; host, address, reason
    └── NoStoredCredentialError         "no_stored_value"; index, name (credentials)

``BlockedAddressError.reason`` is the class of the refused address
(``metadata``, ``link_local``, ``loopback``, ``private``, ``reserved``) or
what else made the URL unusable (``scheme``, ``no_host``). The transport
raises it from inside httpx's connection pool, unwrapped: each caller
decides what a refusal is for it (``runtime.http`` reports a failed run with
its code; ``datasources`` treats the provider as unreachable).
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "BlockedAddressError",
    "InvalidPolicyError",
    "NoStoredCredentialError",
    "OutboundPolicyError",
]


class OutboundPolicyError(Exception):
    """Root of every error raised by ``outbound``."""

    code: ClassVar[str] = "outbound_policy_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidPolicyError(OutboundPolicyError, ValueError):
    """An ``OutboundPolicy`` cannot be built as given; ``field`` names the setting."""

    code = "invalid_config"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field)


class BlockedAddressError(OutboundPolicyError):
    """The policy refused a destination.

    ``address`` is the resolved IP that was refused, or None when the host
    name or scheme alone was enough to refuse it.
    """

    code = "blocked_address"

    def __init__(self, message: str, *, host: str, address: str | None, reason: str) -> None:
        super().__init__(message)
        self.host = host
        self.address = address
        self.reason = reason


class NoStoredCredentialError(OutboundPolicyError, LookupError):
    """A key/value row asks to keep a write-only value (``value_set``) that is not stored.

    ``index`` is the row's position in the list sent, ``name`` its key; the
    caller names the field (``config.headers[2].value``).
    """

    code = "no_stored_value"

    def __init__(self, index: int, name: str) -> None:
        super().__init__(f"There is no stored value of {name!r} to keep: send the value itself.")
        self.index = index
        self.name = name
