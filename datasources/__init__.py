"""Authenticated API datasources: OAuth 2.0 flows, tokens, provider presets,
token refresh tasks and their admin. Imports none of Brace's other apps; its
calls to token and revocation endpoints go through ``outbound``'s policy."""
