"""Editor API: token login, workspaces and their members.

Views are thin: they parse input with a strict serializer, fetch the object
through `builder.selectors` (which checks the role), call one service, and
serialise the answer. Applications, pages and actions have their own modules.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from builder import selectors
from builder.api.editor_serializers import (
    MemberIn,
    MemberOut,
    MemberRoleIn,
    TokenIn,
    TokenOut,
    WorkspaceIn,
    WorkspaceOut,
    WorkspaceUpdateIn,
)
from builder.errors import Invalid
from builder.services.workspaces import delete_workspace
from builder.throttles import LoginRateThrottle
from restapi.base import EditorViewSet, error_responses, signed_in_user, valid_body
from workspaces import services
from workspaces.models import Membership, Role, Workspace


class TokenLoginView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        request=TokenIn,
        responses={200: TokenOut, **error_responses(400, 429, anonymous=True)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = valid_body(TokenIn, request.data)
        user = authenticate(request, username=body["username"], password=body["password"])
        if user is None:
            raise Invalid("The username or password is wrong.", code="invalid_credentials")
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenOut({"token": token.key}).data)


@extend_schema(tags=["workspaces"])
class WorkspaceViewSet(EditorViewSet):
    """Workspaces you are a member of. Anyone signed in may create one and becomes its admin."""

    queryset = Workspace.objects.none()  # for the schema; reads go through selectors

    @extend_schema(responses={200: WorkspaceOut(many=True), **error_responses()})
    def list(self, request: Request) -> Response:
        return Response(WorkspaceOut(selectors.workspaces_for(request.user), many=True).data)

    @extend_schema(request=WorkspaceIn, responses={201: WorkspaceOut, **error_responses(400)})
    def create(self, request: Request) -> Response:
        body = valid_body(WorkspaceIn, request.data)
        workspace = services.create_workspace(user=signed_in_user(request), name=body["name"])
        fresh = selectors.get_workspace(request.user, workspace.pk, Role.VIEWER)
        return Response(WorkspaceOut(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: WorkspaceOut, **error_responses(404)})
    def retrieve(self, request: Request, pk: str) -> Response:
        workspace = selectors.get_workspace(request.user, pk, Role.VIEWER)
        return Response(WorkspaceOut(workspace).data)

    @extend_schema(
        summary="Rename (admins)",
        request=WorkspaceUpdateIn,
        responses={200: WorkspaceOut, **error_responses(400, 403, 404)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        workspace = selectors.get_workspace(request.user, pk, Role.ADMIN)
        body = valid_body(WorkspaceUpdateIn, request.data)
        if "name" in body:
            workspace = services.rename_workspace(workspace=workspace, name=body["name"])
        return Response(WorkspaceOut(workspace).data)

    @extend_schema(
        summary="Delete with everything in it (admins)",
        responses={204: None, **error_responses(403, 404, 409)},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        workspace = selectors.get_workspace(request.user, pk, Role.ADMIN)
        delete_workspace(workspace=workspace)
        return Response(status=status.HTTP_204_NO_CONTENT)


_WORKSPACE_PARAM = OpenApiParameter("workspace_pk", int, OpenApiParameter.PATH)
_USER_PARAM = OpenApiParameter("user_pk", int, OpenApiParameter.PATH, description="A user id.")


@extend_schema_view(
    list=extend_schema(parameters=[_WORKSPACE_PARAM]),
    create=extend_schema(parameters=[_WORKSPACE_PARAM]),
    partial_update=extend_schema(parameters=[_WORKSPACE_PARAM, _USER_PARAM]),
    destroy=extend_schema(parameters=[_WORKSPACE_PARAM, _USER_PARAM]),
)
@extend_schema(tags=["workspaces"])
class MemberViewSet(EditorViewSet):
    """A workspace's members and their roles; admins only. A workspace keeps one admin."""

    queryset = Membership.objects.none()

    @extend_schema(responses={200: MemberOut(many=True), **error_responses(403, 404)})
    def list(self, request: Request, workspace_pk: str) -> Response:
        workspace = selectors.get_workspace(request.user, workspace_pk, Role.ADMIN)
        return Response(MemberOut(selectors.members_of(workspace), many=True).data)

    @extend_schema(
        request=MemberIn, responses={201: MemberOut, **error_responses(400, 403, 404, 409)}
    )
    def create(self, request: Request, workspace_pk: str) -> Response:
        workspace = selectors.get_workspace(request.user, workspace_pk, Role.ADMIN)
        body = valid_body(MemberIn, request.data)
        membership = services.add_member(
            workspace=workspace, username=body["username"], role=Role(body["role"])
        )
        return Response(MemberOut(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a member's role",
        request=MemberRoleIn,
        responses={200: MemberOut, **error_responses(400, 403, 404, 409)},
    )
    def partial_update(self, request: Request, workspace_pk: str, user_pk: str) -> Response:
        membership = selectors.get_membership(request.user, workspace_pk, user_pk)
        body = valid_body(MemberRoleIn, request.data)
        if "role" in body:
            membership = services.change_member_role(membership=membership, role=Role(body["role"]))
        return Response(MemberOut(membership).data)

    @extend_schema(
        summary="Remove a member", responses={204: None, **error_responses(403, 404, 409)}
    )
    def destroy(self, request: Request, workspace_pk: str, user_pk: str) -> Response:
        membership = selectors.get_membership(request.user, workspace_pk, user_pk)
        services.remove_member(membership=membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
