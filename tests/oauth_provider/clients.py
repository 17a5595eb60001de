"""The provider's fixed users and clients, importable without Django set up."""

from __future__ import annotations

PASSWORD = "provider-password"
USERS = ("alice", "bob")
REDIRECT_URIS = " ".join(
    f"{origin}/api/v1/datasources/oauth2/callback/"
    for origin in ("http://testserver", "http://localhost", "http://127.0.0.1")
)
# client_id -> (secret, DOT grant type)
CLIENTS = {
    "brace-code": ("brace-code-secret", "authorization-code"),
    "brace-cc": ("brace-cc-secret", "client-credentials"),
}
