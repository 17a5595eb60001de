"""Editor API: applications, publishing and the published version."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from builder import selectors
from builder.api.editor_serializers import (
    ApplicationIn,
    ApplicationOut,
    ApplicationUpdateIn,
    NoBodyIn,
    PublishedVersionOut,
    PublishIn,
)
from builder.models import Application
from builder.services import applications as services
from restapi.base import EditorViewSet, error_responses, signed_in_user, valid_body
from workspaces.models import Role


@extend_schema(tags=["applications"])
class ApplicationViewSet(EditorViewSet):
    """Applications of your workspaces. Viewers read; developers create, edit and publish."""

    queryset = Application.objects.none()  # for the schema; reads go through selectors

    @extend_schema(
        parameters=[OpenApiParameter("workspace", int, description="Only this workspace's.")],
        responses={200: ApplicationOut(many=True), **error_responses(400)},
    )
    def list(self, request: Request) -> Response:
        applications = selectors.applications_for(
            request.user, workspace_id=request.query_params.get("workspace")
        )
        return Response(ApplicationOut(applications, many=True).data)

    @extend_schema(
        summary="Create, with one page `Page1` (developers)",
        request=ApplicationIn,
        responses={201: ApplicationOut, **error_responses(400, 403)},
    )
    def create(self, request: Request) -> Response:
        body = valid_body(ApplicationIn, request.data)
        workspace = selectors.referenced(
            selectors.get_workspace, request.user, body["workspace"], Role.DEVELOPER,
            field="workspace",
        )  # fmt: skip
        application = services.create_application(
            user=signed_in_user(request), workspace=workspace, name=body["name"]
        )
        return Response(_out(request, application.pk), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ApplicationOut, **error_responses(404)})
    def retrieve(self, request: Request, pk: str) -> Response:
        application = selectors.get_application(request.user, pk, Role.VIEWER)
        return Response(ApplicationOut(application).data)

    @extend_schema(
        summary="Rename (developers)",
        request=ApplicationUpdateIn,
        responses={200: ApplicationOut, **error_responses(400, 403, 404)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        application = selectors.get_application(request.user, pk, Role.DEVELOPER)
        body = valid_body(ApplicationUpdateIn, request.data)
        if "name" in body:
            services.rename_application(application=application, name=body["name"])
        return Response(_out(request, application.pk))

    @extend_schema(
        summary="Delete with its pages and actions (developers)",
        responses={204: None, **error_responses(403, 404, 409)},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        application = selectors.get_application(request.user, pk, Role.DEVELOPER)
        services.delete_application(application=application)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Publish: freeze the current pages and actions (developers)",
        request=None,
        responses={201: PublishedVersionOut, **error_responses(403, 404)},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        application = selectors.get_application(request.user, pk, Role.DEVELOPER)
        valid_body(PublishIn, request.data)
        version = services.publish_application(
            application=application, user=signed_in_user(request)
        )
        return Response(PublishedVersionOut(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Duplicate, with copies of its pages and actions (developers)",
        description=(
            "The copy is named `<name> (copy)` (then `(copy 2)`...), sits in the same "
            "workspace, and is not published. Pages keep their names and actions theirs, "
            "so every binding keeps its meaning."
        ),
        request=None,
        responses={201: ApplicationOut, **error_responses(403, 404)},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str) -> Response:
        application = selectors.get_application(request.user, pk, Role.DEVELOPER)
        valid_body(NoBodyIn, request.data)
        copy = services.duplicate_application(application=application, user=signed_in_user(request))
        return Response(_out(request, copy.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The version portals serve",
        responses={200: PublishedVersionOut, **error_responses(404)},
    )
    @action(detail=True, methods=["get"])
    def published(self, request: Request, pk: str) -> Response:
        application = selectors.get_application(request.user, pk, Role.VIEWER)
        return Response(PublishedVersionOut(selectors.current_version(application)).data)


def _out(request: Request, pk: int) -> dict[str, Any]:
    """The application as it reads now (pages and published version included)."""
    return ApplicationOut(selectors.get_application(request.user, pk, Role.VIEWER)).data
