"""Roles are ordered; non-members see nothing, as if it did not exist."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from workspaces.errors import NotAMember, RoleTooLow
from workspaces.models import Role, Workspace
from workspaces.permissions import has_role, require_role, role_in, visible_workspaces

ANONYMOUS = AnonymousUser()


def test_roles_are_ordered_viewer_developer_admin():
    assert has_role(Role.ADMIN, Role.DEVELOPER)
    assert has_role(Role.DEVELOPER, Role.DEVELOPER)
    assert not has_role(Role.VIEWER, Role.DEVELOPER)
    assert not has_role(None, Role.VIEWER)


@pytest.mark.django_db
class TestRequireRole:
    def test_members_get_their_role(self, workspace, members):
        assert role_in(members["developer"], workspace.pk) == Role.DEVELOPER
        assert require_role(members["admin"], workspace.pk, Role.DEVELOPER) == Role.ADMIN

    def test_a_role_too_low_names_the_role_needed(self, workspace, members):
        with pytest.raises(RoleTooLow) as caught:
            require_role(members["viewer"], workspace.pk, Role.DEVELOPER)
        assert (caught.value.code, caught.value.message) == (
            "permission_denied",
            "This needs the developer role in the workspace.",
        )

    @pytest.mark.parametrize("who", ["outsider", "anonymous"])
    def test_non_members_are_told_not_found(self, workspace, members, who):
        user = members[who] or ANONYMOUS
        assert role_in(user, workspace.pk) is None
        with pytest.raises(NotAMember) as caught:
            require_role(user, workspace.pk, Role.VIEWER)
        assert (caught.value.code, caught.value.message) == ("not_found", "Not found.")

    def test_only_the_users_workspaces_are_visible(self, workspace, members):
        Workspace.objects.create(name="Someone else's")
        assert list(visible_workspaces(members["viewer"])) == [workspace]
        assert not visible_workspaces(members["outsider"]).exists()
        assert not visible_workspaces(ANONYMOUS).exists()
