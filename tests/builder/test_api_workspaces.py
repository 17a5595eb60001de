"""Workspaces and their members through the editor API."""

from __future__ import annotations

import pytest

from builder.models import Action, Application, Page
from datasources.models import Datasource
from tests.builder.helpers import assert_error
from workspaces.models import Membership, Role, Workspace

URL = "/api/v1/workspaces/"


def members_url(workspace, user=None):
    base = f"{URL}{workspace.pk}/members/"
    return f"{base}{user.pk}/" if user is not None else base


@pytest.mark.django_db
class TestWorkspaces:
    def test_creating_a_workspace_makes_the_creator_its_admin(self, token_client, make_user):
        user = make_user()
        response = token_client(user).post(URL, {"name": "Sales"}, format="json")
        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "Sales"
        assert body["role"] == "admin"
        assert set(body) == {"id", "name", "role", "created_at", "updated_at"}
        membership = Membership.objects.get(workspace_id=body["id"])
        assert (membership.user, membership.role) == (user, Role.ADMIN)

    def test_the_list_holds_only_my_workspaces_with_my_role(self, client_as, workspace):
        Workspace.objects.create(name="Someone else's")
        body = client_as("developer").get(URL).json()
        assert [(item["id"], item["role"]) for item in body] == [(workspace.pk, "developer")]
        assert client_as("outsider").get(URL).json() == []

    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({}, "required", "name"),
            ({"name": ""}, "blank", "name"),
            ({"name": 5}, "invalid", "name"),
            ({"name": "x" * 121}, "max_length", "name"),
            ({"name": "ok", "owner": 1}, "unknown_field", "owner"),
        ],
    )
    def test_bad_bodies_name_the_field(self, client_as, body, code, field):
        assert_error(client_as("admin").post(URL, body, format="json"), 400, code, field)
        assert Workspace.objects.count() == 1

    def test_an_admin_renames_it(self, client_as, workspace):
        response = client_as("admin").patch(
            f"{URL}{workspace.pk}/", {"name": "Acme Inc"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["name"] == "Acme Inc"
        workspace.refresh_from_db()
        assert workspace.name == "Acme Inc"

    def test_a_rename_with_an_unknown_key_changes_nothing(self, client_as, workspace):
        response = client_as("admin").patch(
            f"{URL}{workspace.pk}/", {"name": "New", "id": 9}, format="json"
        )
        assert_error(response, 400, "unknown_field", "id")
        workspace.refresh_from_db()
        assert workspace.name == "Acme"

    def test_an_empty_patch_changes_nothing(self, client_as, workspace):
        response = client_as("admin").patch(f"{URL}{workspace.pk}/", {}, format="json")
        assert response.status_code == 200
        assert response.json()["name"] == "Acme"

    def test_a_non_numeric_id_is_not_found(self, client_as):
        assert_error(client_as("admin").get(f"{URL}abc/"), 404, "not_found")

    def test_deleting_removes_everything_inside(
        self, client_as, workspace, application, page, datasource
    ):
        Action.objects.create(page=page, name="Q1", datasource=datasource, config={})
        client_as("developer").post(f"/api/v1/applications/{application.pk}/publish/")
        response = client_as("admin").delete(f"{URL}{workspace.pk}/")
        assert response.status_code == 204
        assert not Workspace.objects.exists()
        assert not Application.objects.exists()
        assert not Page.objects.exists()
        assert not Action.objects.exists()
        assert not Datasource.objects.exists()


@pytest.mark.django_db
class TestMembers:
    def test_the_list_shows_users_and_roles(self, client_as, workspace):
        response = client_as("admin").get(members_url(workspace))
        assert response.status_code == 200
        assert [(m["username"], m["role"]) for m in response.json()] == [
            ("alice_admin", "admin"),
            ("dave_developer", "developer"),
            ("vera_viewer", "viewer"),
        ]

    def test_an_admin_adds_a_member_by_username(self, client_as, workspace, members):
        response = client_as("admin").post(
            members_url(workspace), {"username": "oscar_outsider", "role": "viewer"}, format="json"
        )
        assert response.status_code == 201
        assert response.json() == {
            "user": members["outsider"].pk,
            "username": "oscar_outsider",
            "role": "viewer",
            "created_at": response.json()["created_at"],
        }
        assert client_as("outsider").get(f"{URL}{workspace.pk}/").status_code == 200

    def test_adding_an_unknown_user_names_the_username(self, client_as, workspace):
        response = client_as("admin").post(
            members_url(workspace), {"username": "ghost", "role": "viewer"}, format="json"
        )
        assert_error(response, 400, "unknown_user", "username")

    def test_adding_a_member_twice_is_a_conflict(self, client_as, workspace):
        response = client_as("admin").post(
            members_url(workspace), {"username": "vera_viewer", "role": "admin"}, format="json"
        )
        assert_error(response, 409, "already_member", "username")
        assert Membership.objects.get(user__username="vera_viewer").role == Role.VIEWER

    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({"username": "oscar_outsider", "role": "owner"}, "invalid_choice", "role"),
            ({"username": "oscar_outsider", "role": "ADMIN"}, "invalid_choice", "role"),
            ({"username": "oscar_outsider"}, "required", "role"),
            ({"username": ["oscar_outsider"], "role": "viewer"}, "invalid", "username"),
            ({"username": "oscar_outsider", "role": "viewer", "x": 1}, "unknown_field", "x"),
        ],
    )
    def test_bad_member_bodies_name_the_field(self, client_as, workspace, body, code, field):
        response = client_as("admin").post(members_url(workspace), body, format="json")
        assert_error(response, 400, code, field)
        assert Membership.objects.count() == 3

    def test_an_admin_changes_a_role(self, client_as, workspace, members):
        response = client_as("admin").patch(
            members_url(workspace, members["viewer"]), {"role": "developer"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["role"] == "developer"
        assert Membership.objects.get(user=members["viewer"]).role == Role.DEVELOPER

    def test_the_last_admin_cannot_be_demoted(self, client_as, workspace, members):
        response = client_as("admin").patch(
            members_url(workspace, members["admin"]), {"role": "viewer"}, format="json"
        )
        assert_error(response, 409, "last_admin", "role")
        assert Membership.objects.get(user=members["admin"]).role == Role.ADMIN

    def test_the_last_admin_cannot_be_removed(self, client_as, workspace, members):
        response = client_as("admin").delete(members_url(workspace, members["admin"]))
        assert_error(response, 409, "last_admin", "user")
        assert Membership.objects.filter(user=members["admin"]).exists()

    def test_an_admin_can_step_down_once_there_is_another(self, client_as, workspace, members):
        admin = client_as("admin")
        admin.patch(members_url(workspace, members["developer"]), {"role": "admin"}, format="json")
        response = admin.patch(
            members_url(workspace, members["admin"]), {"role": "viewer"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["role"] == "viewer"

    def test_an_admin_removes_a_member(self, client_as, workspace, members):
        response = client_as("admin").delete(members_url(workspace, members["viewer"]))
        assert response.status_code == 204
        assert not Membership.objects.filter(user=members["viewer"]).exists()
        assert_error(client_as("viewer").get(f"{URL}{workspace.pk}/"), 404, "not_found")

    def test_a_user_who_is_not_a_member_is_not_found(self, client_as, workspace, members):
        response = client_as("admin").delete(members_url(workspace, members["outsider"]))
        assert_error(response, 404, "not_found")

    def test_an_empty_role_patch_changes_nothing(self, client_as, workspace, members):
        response = client_as("admin").patch(
            members_url(workspace, members["admin"]), {}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["role"] == "admin"

    def test_a_bad_role_change_names_the_field(self, client_as, workspace, members):
        response = client_as("admin").patch(
            members_url(workspace, members["viewer"]), {"role": 3}, format="json"
        )
        assert_error(response, 400, "invalid_choice", "role")
