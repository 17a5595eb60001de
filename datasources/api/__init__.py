"""The datasources REST API: CRUD, Save and Authorize, the OAuth 2.0 callback, tokens."""
