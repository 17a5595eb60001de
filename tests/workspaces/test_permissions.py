"""Roles are ordered; non-members see nothing, as if it did not exist."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from workspaces.errors import NotAMember, RoleTooLow
from workspaces.models import Role, Workspace
from workspaces.permissions import (
    EDITOR_ROLE,
    editor_workspaces,
    has_role,
    require_editor,
    require_editor_of_filter,
    require_role,
    role_in,
    visible_workspaces,
)

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


@pytest.mark.django_db
class TestWhatAWorkspaceBuilds:
    """Drafts, configs and settings are for developers and admins; viewers use the portal."""

    def test_the_editor_role_is_the_developers(self):
        assert EDITOR_ROLE == Role.DEVELOPER

    def test_a_viewer_is_refused_even_when_less_is_asked(self, workspace, members):
        with pytest.raises(RoleTooLow):
            require_editor(members["viewer"], workspace.pk, Role.VIEWER)
        assert require_editor(members["developer"], workspace.pk, Role.VIEWER) == Role.DEVELOPER
        with pytest.raises(RoleTooLow):
            require_editor(members["developer"], workspace.pk, Role.ADMIN)
        with pytest.raises(NotAMember):
            require_editor(members["outsider"], workspace.pk)

    def test_lists_hold_the_workspaces_where_the_user_edits(self, workspace, members):
        assert list(editor_workspaces(members["developer"])) == [workspace]
        assert list(editor_workspaces(members["admin"])) == [workspace]
        assert not editor_workspaces(members["viewer"]).exists()
        assert not editor_workspaces(ANONYMOUS).exists()

    def test_a_list_narrowed_to_a_viewers_workspace_is_refused(self, workspace, members):
        with pytest.raises(RoleTooLow):
            require_editor_of_filter(members["viewer"], workspace.pk)
        require_editor_of_filter(members["developer"], workspace.pk)
        require_editor_of_filter(members["outsider"], workspace.pk)  # an empty list
        require_editor_of_filter(members["viewer"], None)  # no such object: an empty list
