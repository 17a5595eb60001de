"""Editor API: actions (queries) on a page."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action as route
from rest_framework.request import Request
from rest_framework.response import Response

from builder import selectors
from builder.api.editor_serializers import ActionIn, ActionOut, ActionUpdateIn, NoBodyIn
from builder.models import Action
from builder.services import actions as services
from restapi.base import EditorViewSet, error_responses, valid_body
from workspaces.models import Role


@extend_schema(tags=["actions"])
class ActionViewSet(EditorViewSet):
    """Queries on your pages, for developers and admins (viewers use the portal)."""

    queryset = Action.objects.none()  # for the schema; reads go through selectors

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="Only this page's."),
            OpenApiParameter("application", int, description="Only this application's."),
        ],
        responses={200: ActionOut(many=True), **error_responses(400, 403)},
    )
    def list(self, request: Request) -> Response:
        actions = selectors.actions_for(
            request.user,
            page_id=request.query_params.get("page"),
            application_id=request.query_params.get("application"),
        )
        return Response(ActionOut(actions, many=True).data)

    @extend_schema(
        summary="Create (developers)",
        description=(
            "The name must be a valid identifier, unused by the page's widgets and "
            "actions; the datasource must belong to the page's workspace."
        ),
        request=ActionIn,
        responses={201: ActionOut, **error_responses(400, 403)},
    )
    def create(self, request: Request) -> Response:
        body = valid_body(ActionIn, request.data)
        page = selectors.referenced(
            selectors.get_page, request.user, body["page"], Role.DEVELOPER, field="page"
        )
        action = services.create_action(
            page=page, name=body["name"], datasource_id=body["datasource"], config=body["config"]
        )
        return Response(ActionOut(action).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ActionOut, **error_responses(403, 404)})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ActionOut(selectors.get_action(request.user, pk)).data)

    @extend_schema(
        summary="Rename, reconfigure or rebind (developers)",
        request=ActionUpdateIn,
        responses={200: ActionOut, **error_responses(400, 403, 404)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        action = selectors.get_action(request.user, pk, Role.DEVELOPER)
        body = valid_body(ActionUpdateIn, request.data)
        if "datasource" in body:
            body["datasource_id"] = body.pop("datasource")
        return Response(ActionOut(services.update_action(action=action, **body)).data)

    @extend_schema(
        summary="Delete (developers)", responses={204: None, **error_responses(403, 404)}
    )
    def destroy(self, request: Request, pk: str) -> Response:
        services.delete_action(action=selectors.get_action(request.user, pk, Role.DEVELOPER))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Duplicate (developers)",
        description=(
            "A copy on the same page and datasource, named `<name>Copy` (then "
            "`<name>Copy2`...), with the stored config, typed credentials included."
        ),
        request=None,
        responses={201: ActionOut, **error_responses(403, 404)},
    )
    @route(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str) -> Response:
        action = selectors.get_action(request.user, pk, Role.DEVELOPER)
        valid_body(NoBodyIn, request.data)
        copy = services.duplicate_action(action=action)
        return Response(ActionOut(copy).data, status=status.HTTP_201_CREATED)
