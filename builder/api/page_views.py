"""Editor API: pages and their layouts (the widget tree)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from builder import selectors
from builder.api.editor_serializers import (
    NoBodyIn,
    PageIn,
    PageListOut,
    PageOut,
    PageUpdateIn,
    RenameIn,
    RenameOut,
)
from builder.models import Page
from builder.services import pages as services
from builder.services.renaming import rename_entity
from restapi.base import EditorViewSet, error_responses, valid_body
from workspaces.models import Role


@extend_schema(tags=["pages"])
class PageViewSet(EditorViewSet):
    """Pages of your applications, for developers and admins (viewers use the portal)."""

    queryset = Page.objects.none()  # for the schema; reads go through selectors

    @extend_schema(
        summary="List (without layouts)",
        parameters=[OpenApiParameter("application", int, description="Only this application's.")],
        responses={200: PageListOut(many=True), **error_responses(400, 403)},
    )
    def list(self, request: Request) -> Response:
        pages = selectors.pages_for(
            request.user, application_id=request.query_params.get("application")
        )
        return Response(PageListOut(pages, many=True).data)

    @extend_schema(
        summary="Create (developers)",
        request=PageIn,
        responses={201: PageOut, **error_responses(400, 403, 413)},
    )
    def create(self, request: Request) -> Response:
        body = valid_body(PageIn, request.data)
        application = selectors.referenced(
            selectors.get_application, request.user, body.pop("application"), Role.DEVELOPER,
            field="application",
        )  # fmt: skip
        page = services.create_page(application=application, **body)
        return Response(PageOut(page).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: PageOut, **error_responses(403, 404)})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PageOut(selectors.get_page(request.user, pk)).data)

    @extend_schema(
        summary="Save a new name and/or layout (developers)",
        description=(
            "The layout is validated whole: a fault answers 400 with `field` set to the "
            "JSON path of the first one (`layout.children[1].props.maxNumFiles`) and "
            "every fault in `errors`. A layout over 2 MB of JSON or 5,000 widgets "
            "answers 413. Each save of the name or layout adds 1 to `version`; with "
            "`version` given and the page no longer at it (saved elsewhere meanwhile), "
            "409 `version_conflict` naming `version`, and nothing is written."
        ),
        request=PageUpdateIn,
        responses={200: PageOut, **error_responses(400, 403, 404, 409, 413)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        page = selectors.get_page(request.user, pk, Role.DEVELOPER)
        body = valid_body(PageUpdateIn, request.data)
        return Response(PageOut(services.update_page(page=page, **body)).data)

    @extend_schema(
        summary="Delete with its actions (developers); not the last page",
        description=(
            "The page's actions (queries) are deleted with it. An application keeps one "
            "page: deleting its last answers 409 `last_page`. Published versions keep "
            "serving their copy until the next publish."
        ),
        responses={204: None, **error_responses(403, 404, 409)},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        services.delete_page(page=selectors.get_page(request.user, pk, Role.DEVELOPER))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Duplicate, with copies of its actions (developers)",
        description=(
            "The copy goes last in the application, named `<name> (copy)` (then "
            "`(copy 2)`...); its widgets and actions keep their names, so every binding "
            "keeps its meaning."
        ),
        request=None,
        responses={201: PageOut, **error_responses(403, 404)},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str) -> Response:
        page = selectors.get_page(request.user, pk, Role.DEVELOPER)
        valid_body(NoBodyIn, request.data)
        copy = services.duplicate_page(page=page)
        return Response(PageOut(copy).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Rename a widget or an action, and every reference to it (developers)",
        description=(
            "Renames the widget or action `old_name` of the page and rewrites every "
            "binding and event handler that refers to it, in the layout and in the page's "
            "actions' configs (path, headers, query parameters, body). Only free "
            "identifiers change: not `x.Text1`, an object key, a string, or a local of the "
            "same name. A new page version; `version`, if given, is checked as for PATCH "
            "(409 `version_conflict`). 400 naming `new_name` if it is taken by a widget or "
            "an action, reserved, or not an identifier; 404 naming `old_name` if the page "
            "has no such widget or action."
        ),
        request=RenameIn,
        responses={200: RenameOut, **error_responses(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def rename(self, request: Request, pk: str) -> Response:
        page = selectors.get_page(request.user, pk, Role.DEVELOPER)
        body = valid_body(RenameIn, request.data)
        page, actions = rename_entity(page=page, **body)
        return Response(RenameOut({"page": page, "actions": actions}).data)
