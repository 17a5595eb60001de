"""Rules that must hold when requests race: run in threads with real connections.

On PostgreSQL the row locks decide; on SQLite, IMMEDIATE transactions
serialise the writers. Either way a workspace keeps an admin and published
version numbers stay unique.
"""

from __future__ import annotations

import pytest

from builder.models import PublishedVersion
from builder.services import applications
from tests.threads import race
from workspaces import services as workspaces
from workspaces.errors import LastAdmin
from workspaces.models import Membership, Role


@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_leave_one_admin(workspace, members):
    Membership.objects.filter(user=members["developer"]).update(role=Role.ADMIN)
    first, second = (
        Membership.objects.get(user=members["admin"]),
        Membership.objects.get(user=members["developer"]),
    )
    results = race(
        [
            lambda: workspaces.change_member_role(membership=first, role=Role.VIEWER),
            lambda: workspaces.change_member_role(membership=second, role=Role.VIEWER),
        ]
    )
    assert Membership.objects.filter(workspace=workspace, role=Role.ADMIN).count() == 1
    assert sum(isinstance(result, LastAdmin) for result in results) == 1, results


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishes_get_distinct_numbers(application):
    results = race(
        [lambda: applications.publish_application(application=application, user=None)] * 4
    )
    assert all(isinstance(result, PublishedVersion) for result in results), results
    assert sorted(PublishedVersion.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
