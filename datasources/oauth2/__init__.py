"""OAuth 2.0 client steps as pure functions, one module per spec step.

Nothing here touches the database: each module builds a request or parses a
response (RFC 6749, RFC 7636 PKCE, RFC 7009 revocation, RFC 8707 resource
indicators). ``token_request.send`` is the only function doing I/O.
"""
