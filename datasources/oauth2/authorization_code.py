"""The authorization code grant, browser half (RFC 6749 §4.1.1 and §4.1.2).

``authorization_url`` builds the redirect to the provider; ``parse_callback``
reads what the provider sends back; ``token_params`` is the body of the code
exchange (§4.1.3, with the PKCE verifier of RFC 7636 §4.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters Brace sets itself; custom parameters may not override them.
RESERVED_PARAMS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    }
)


def authorization_url(
    endpoint: str,
    *,
    client_id: str,
    redirect_uri: str,
    state: str,
    scopes: Sequence[str] = (),
    code_challenge: str | None = None,
    code_challenge_method: str = "S256",
    audience: str = "",
    resource: str = "",
    extra_params: Iterable[tuple[str, str]] = (),
) -> str:
    """The provider URL that starts the flow.

    The endpoint's own query is kept (§3.1: "MUST be retained"); ``scope`` is
    space-delimited (§3.3); ``resource`` is RFC 8707 §2.
    """
    params: list[tuple[str, str]] = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
    ]
    if scopes:
        params.append(("scope", " ".join(scopes)))
    params.append(("state", state))
    if code_challenge:
        params += [
            ("code_challenge", code_challenge),
            ("code_challenge_method", code_challenge_method),
        ]
    if audience:
        params.append(("audience", audience))
    if resource:
        params.append(("resource", resource))
    params += [(k, v) for k, v in extra_params if k not in RESERVED_PARAMS]
    parts = urlsplit(endpoint)
    query = parse_qsl(parts.query, keep_blank_values=True) + params
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass(frozen=True)
class CallbackParams:
    """What the provider put on the redirect URI (§4.1.2, §4.1.2.1)."""

    state: str = ""
    code: str = ""
    error: str = ""
    error_description: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def parse_callback(query: Mapping[str, str]) -> CallbackParams:
    known = {"state", "code", "error", "error_description"}
    return CallbackParams(
        state=query.get("state", ""),
        code=query.get("code", ""),
        error=query.get("error", ""),
        error_description=query.get("error_description", ""),
        extra={k: v for k, v in query.items() if k not in known},
    )


def token_params(
    code: str, *, redirect_uri: str, code_verifier: str = "", resource: str = ""
) -> dict[str, str]:
    """The access token request body (§4.1.3), before client authentication."""
    params = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if code_verifier:
        params["code_verifier"] = code_verifier
    if resource:
        params["resource"] = resource
    return params
