"""Two saves of a page made from the same version: exactly one is written.

Each save runs in its own thread and database connection (`tests.threads.race`),
as two browser tabs' requests would. On SQLite, IMMEDIATE transactions order
the writers; on PostgreSQL the page's row lock does, which the second module
of tests checks (marked ``postgres``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from builder.errors import Conflict
from builder.layouts import default_layout
from builder.models import Page
from builder.services import pages
from tests.threads import race

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _layout(name: str) -> dict[str, Any]:
    text = {
        "widgetName": name,
        "type": "Text",
        "props": {"text": name},
        "position": {"x": 0, "y": 0, "w": 10, "h": 4},
    }
    return {**default_layout(), "children": [text]}


def _save_from_version_1(page: Page, name: str) -> Any:
    return lambda: pages.update_page(page=page, layout=_layout(name), version=1).version


def _check_one_save_won(page: Page, results: list[Any]) -> None:
    conflicts = [result for result in results if isinstance(result, Conflict)]
    assert sorted(result for result in results if isinstance(result, int)) == [2], results
    assert [conflict.code for conflict in conflicts] == ["version_conflict"] * (len(results) - 1)
    page.refresh_from_db()
    assert page.version == 2
    winner = page.layout["children"][0]["widgetName"]
    assert results[["First", "Second", "Third"].index(winner)] == 2


@pytest.mark.django_db(transaction=True)
def test_of_concurrent_saves_from_one_version_one_is_written(page):
    results = race([_save_from_version_1(page, name) for name in ("First", "Second", "Third")])
    _check_one_save_won(page, results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: DATABASE_URL=postgres://...")
def test_on_postgres_the_row_lock_lets_one_save_through(page):
    results = race([_save_from_version_1(page, name) for name in ("First", "Second", "Third")])
    _check_one_save_won(page, results)


@pytest.mark.django_db(transaction=True)
def test_saves_without_a_version_all_land_in_turn(page):
    results = race([lambda: pages.update_page(page=page, layout=_layout("Any")).version] * 3)
    assert sorted(results) == [2, 3, 4], results
