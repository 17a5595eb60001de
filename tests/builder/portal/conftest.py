"""Fixtures of the portal runtime tests: the seed app published against a Dropbox-shaped API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builder.portal.support import SeedApp, publish_seed
from tests.fakes.dropbox import DropboxApi


@pytest.fixture
def seed_app(
    dropbox_portal: dict[str, Any],
    page: Any,
    members: dict[str, Any],
    dropbox_api: DropboxApi,
    media: Any,
) -> SeedApp:
    """builder/examples/dropbox_portal.json on `page`, published, its datasource a bearer token."""
    return publish_seed(dropbox_portal, page, dropbox_api.url, members["developer"])
