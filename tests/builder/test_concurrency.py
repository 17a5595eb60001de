"""Rules that must hold when requests race: run in threads with real connections.

On PostgreSQL the row locks decide; on SQLite, IMMEDIATE transactions
serialise the writers. Either way a workspace keeps an admin and published
version numbers stay unique.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from builder.models import PublishedVersion
from builder.services import applications
from workspaces import services as workspaces
from workspaces.errors import LastAdmin
from workspaces.models import Membership, Role


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once, each in its own thread and connection; their results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_leave_one_admin(workspace, members):
    Membership.objects.filter(user=members["developer"]).update(role=Role.ADMIN)
    first, second = (
        Membership.objects.get(user=members["admin"]),
        Membership.objects.get(user=members["developer"]),
    )
    results = race(
        lambda: workspaces.change_member_role(membership=first, role=Role.VIEWER),
        lambda: workspaces.change_member_role(membership=second, role=Role.VIEWER),
    )
    assert Membership.objects.filter(workspace=workspace, role=Role.ADMIN).count() == 1
    assert sum(isinstance(result, LastAdmin) for result in results) == 1, results


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishes_get_distinct_numbers(application):
    results = race(
        *(lambda: applications.publish_application(application=application, user=None),) * 4
    )
    assert all(isinstance(result, PublishedVersion) for result in results), results
    assert sorted(PublishedVersion.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
