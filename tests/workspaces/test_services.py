"""Workspace and member services called directly: the rules hold without the HTTP layer."""

from __future__ import annotations

import pytest

from workspaces import services as workspaces
from workspaces.errors import AlreadyMember, LastAdmin, UnknownUser
from workspaces.models import Membership, Role


@pytest.mark.django_db
class TestWorkspaces:
    def test_the_creator_becomes_admin(self, make_user):
        user = make_user()
        workspace = workspaces.create_workspace(user=user, name="W")
        assert Membership.objects.get(workspace=workspace).role == Role.ADMIN

    def test_one_of_two_admins_may_leave_but_not_both(self, workspace, members):
        developer = Membership.objects.get(user=members["developer"])
        workspaces.change_member_role(membership=developer, role=Role.ADMIN)
        admin = Membership.objects.get(user=members["admin"])
        workspaces.remove_member(membership=admin)
        developer.refresh_from_db()
        with pytest.raises(LastAdmin) as caught:
            workspaces.remove_member(membership=developer)
        assert (caught.value.code, caught.value.field) == ("last_admin", "user")
        assert Membership.objects.filter(role=Role.ADMIN).count() == 1

    def test_demoting_a_non_admin_needs_no_other_admin(self, workspace, members):
        viewer = Membership.objects.get(user=members["viewer"])
        workspaces.change_member_role(membership=viewer, role=Role.VIEWER)
        assert Membership.objects.get(user=members["viewer"]).role == Role.VIEWER

    def test_an_inactive_user_cannot_be_added(self, workspace, make_user):
        make_user("sleeper", is_active=False)
        with pytest.raises(UnknownUser) as caught:
            workspaces.add_member(workspace=workspace, username="sleeper", role=Role.VIEWER)
        assert caught.value.code == "unknown_user"

    def test_a_member_cannot_be_added_twice(self, workspace, members):
        with pytest.raises(AlreadyMember) as caught:
            workspaces.add_member(workspace=workspace, username="vera_viewer", role=Role.ADMIN)
        assert (caught.value.code, caught.value.field) == ("already_member", "username")
        assert Membership.objects.get(user=members["viewer"]).role == Role.VIEWER
