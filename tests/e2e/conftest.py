"""Fixtures the end-to-end modules share: a developer's API client and the
portal's end user. The provider and its APIs come from
``tests.oauth_provider.fixtures`` (registered in ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def developer(members: dict[str, Any], token_client: Callable[[Any], APIClient]) -> APIClient:
    """The workspace developer's API client (a token, as scripts use)."""
    return token_client(members["developer"])


@pytest.fixture
def end_user(make_user: Callable[..., Any]) -> Any:
    """The portal's end user: a viewer of the seed app's workspace only."""
    return make_user("erin_end_user")
