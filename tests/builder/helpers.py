"""Assertions shared by the builder's API tests."""

from __future__ import annotations

from typing import Any


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The response is an error of that status and code, naming `field` (or none)."""
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    if field is None:
        assert "field" not in body, body
    else:
        assert body.get("field") == field, body
    return body
