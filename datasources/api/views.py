"""Datasource routes: CRUD, Save and Authorize, the OAuth 2.0 callback, token status.

Views are thin: check the role (``workspaces.permissions``), call one
``datasources`` service, serialise. Roles: a datasource's settings are read by
developers and admins only (``workspaces.permissions.EDITOR_ROLE``); viewers
see the status of the token a run by them would use and, when tokens are per
user, authorize, refresh and forget their own; developers and admins do
everything; non-members get 404. Faults are raised
as ``datasources.errors`` (and ``workspaces.errors``); the API's exception
handler gives them their status.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from datasources import flow, selectors, services, tokens
from datasources.api.serializers import (
    DatasourceCreateIn,
    DatasourceOut,
    DatasourceUpdateIn,
    TokenActionIn,
    TokenForgetOut,
    TokenStatusOut,
)
from datasources.errors import (
    AuthorizationError,
    NotOAuth2Error,
    SessionRequiredError,
)
from datasources.models import Datasource
from restapi.base import EditorViewSet, error_responses, signed_in_user, valid_body
from restapi.ids import parse_id
from workspaces.models import Role
from workspaces.permissions import (
    EDITOR_ROLE,
    editor_workspaces,
    require_editor_of_filter,
    require_role,
)

logger = logging.getLogger(__name__)

CALLBACK_URL_NAME = "datasource-oauth2-callback"


def callback_url(request: HttpRequest) -> str:
    """The one redirect URL to register at providers (absolute).

    BRACE_PUBLIC_URL wins; otherwise the request's scheme and host, where the
    scheme follows X-Forwarded-Proto only when BRACE_BEHIND_PROXY set
    SECURE_PROXY_SSL_HEADER.
    """
    path = reverse(CALLBACK_URL_NAME)
    if settings.BRACE_PUBLIC_URL:
        return settings.BRACE_PUBLIC_URL + path
    return request.build_absolute_uri(path)


def _datasource(request: Request, pk: Any, minimum: Role) -> Datasource:
    datasource = Datasource.objects.filter(pk=parse_id(pk)).first()
    if datasource is None:
        raise NotFound()
    require_role(request.user, datasource.workspace_id, minimum)
    return datasource


def _own_token_role(datasource: Datasource) -> Role:
    """Who may authorize, refresh or forget the token a run would use."""
    return Role.VIEWER if datasource.is_per_user else Role.DEVELOPER


def _status(datasource: Datasource, user_id: int) -> dict[str, Any] | None:
    found = selectors.authorization_status(datasource, user_id)
    if found is None:
        return None
    return {
        "status": found.status,
        "expires_at": found.expires_at,
        "scopes": list(found.scopes),
        "token_sharing": found.token_sharing,
        "last_error": found.last_error,
        "last_refreshed_at": found.last_refreshed_at,
        "refresh_failures": found.refresh_failures,
    }


def _out(request: Request, datasource: Datasource) -> dict[str, Any]:
    context = {
        "redirect_url": callback_url(request),
        "authorization": _status(datasource, signed_in_user(request).pk),
    }
    return DatasourceOut(datasource, context=context).data


@extend_schema(tags=["datasources"])
class DatasourceViewSet(EditorViewSet):
    """Authenticated API datasources. Secrets are write-only."""

    lookup_value_regex = r"\d+"

    @extend_schema(
        parameters=[OpenApiParameter("workspace", int, description="Only this workspace's.")],
        responses={200: DatasourceOut(many=True), **error_responses(400, 403)},
    )
    def list(self, request: Request) -> Response:
        queryset = Datasource.objects.filter(workspace__in=editor_workspaces(request.user))
        workspace = request.query_params.get("workspace")
        if workspace is not None:
            workspace_id = parse_id(workspace, field="workspace")
            require_editor_of_filter(request.user, workspace_id)
            queryset = queryset.filter(workspace_id=workspace_id)
        return Response([_out(request, ds) for ds in queryset.order_by("workspace_id", "name")])

    @extend_schema(
        request=DatasourceCreateIn, responses={201: DatasourceOut, **error_responses(400, 403, 404)}
    )
    def create(self, request: Request) -> Response:
        body = valid_body(DatasourceCreateIn, request.data)
        require_role(request.user, body["workspace"], Role.DEVELOPER)
        datasource = services.create_datasource(body.pop("workspace"), body)
        return Response(_out(request, datasource), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: DatasourceOut, **error_responses(403, 404)})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_out(request, _datasource(request, pk, EDITOR_ROLE)))

    @extend_schema(
        request=DatasourceUpdateIn, responses={200: DatasourceOut, **error_responses(400, 403, 404)}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        datasource = _datasource(request, pk, Role.DEVELOPER)
        serializer = DatasourceUpdateIn(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        datasource = services.update_datasource(datasource, serializer.validated_data)
        return Response(_out(request, datasource))

    @extend_schema(responses={204: None, **error_responses(403, 404, 409)})
    def destroy(self, request: Request, pk: str) -> Response:
        datasource = _datasource(request, pk, Role.DEVELOPER)
        services.delete_datasource(datasource)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[
            OpenApiParameter("return_to", str, description="A path on Brace to come back to.")
        ],
        responses={302: None, **error_responses(400, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def authorize(self, request: Request, pk: str) -> HttpResponse:
        """Save and Authorize: redirect the browser to the provider."""
        datasource = _datasource(request, pk, Role.VIEWER)
        require_role(request.user, datasource.workspace_id, _own_token_role(datasource))
        # The state is bound to the browser session that will come back.
        session = request._request.session
        user = signed_in_user(request)
        if not session.session_key or session.get(SESSION_KEY) != str(user.pk):
            raise SessionRequiredError(
                "Authorize from a signed-in browser session, not with an API token."
            )
        url = flow.start_authorization(
            datasource,
            user_id=user.pk,
            session_key=session.session_key,
            return_to=request.query_params.get("return_to", "/"),
            redirect_uri=callback_url(request),
        )
        return HttpResponseRedirect(url)

    @extend_schema(methods=["GET"], responses={200: TokenStatusOut, **error_responses(400, 404)})
    @extend_schema(
        methods=["POST"],
        request=TokenActionIn,
        responses={200: TokenStatusOut, **error_responses(400, 403, 404, 409)},
    )
    @extend_schema(methods=["DELETE"], responses={200: TokenForgetOut, **error_responses(403, 404)})
    @action(detail=True, methods=["get", "post", "delete"], url_path="token")
    def token(self, request: Request, pk: str) -> Response:
        """The token a run by you would use: status, refresh now, revoke and forget."""
        datasource = _datasource(request, pk, Role.VIEWER)
        if not datasource.is_oauth2:
            raise NotOAuth2Error(
                "Only OAuth 2.0 datasources have tokens.", field="authentication.type"
            )
        user_id = signed_in_user(request).pk
        if request.method == "GET":
            return Response(TokenStatusOut(_status(datasource, user_id)).data)
        require_role(request.user, datasource.workspace_id, _own_token_role(datasource))
        if request.method == "POST":
            valid_body(TokenActionIn, request.data)
            tokens.refresh_now(datasource, user_id)
            return Response(TokenStatusOut(_status(datasource, user_id)).data)
        revoked = tokens.forget(datasource, user_id)
        return Response(
            TokenForgetOut({"revoked": revoked, "authorization": _status(datasource, user_id)}).data
        )


class OAuth2CallbackView(APIView):
    """The provider's redirect (RFC 6749 §4.1.2): always answers with a redirect.

    It lands on the state's ``return_to`` with ``response_status=success`` or
    an error code and a readable ``display_message``; when the state cannot be
    trusted, on ``/`` (never on a path the request itself names). Only the
    browser session counts here: the state is bound to it.
    """

    authentication_classes = [SessionAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["datasources"],
        operation_id="datasources_oauth2_callback",
        parameters=[
            OpenApiParameter(name, str, description=meaning)
            for name, meaning in (
                ("state", "The state Brace sent to the provider."),
                ("code", "The authorization code."),
                ("error", "The provider's error (RFC 6749 §4.1.2.1)."),
                ("error_description", "The provider's explanation."),
            )
        ],
        responses={
            302: OpenApiResponse(
                description="To return_to with response_status (and display_message)."
            )
        },
    )
    def get(self, request: Request) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        try:
            done = flow.complete_authorization(
                request.query_params,
                user_id=user.pk if user else None,
                session_key=request._request.session.session_key,
            )
        except AuthorizationError as exc:
            logger.info("oauth2 callback failed: %s", exc.response_status)
            return HttpResponseRedirect(
                flow.with_status(exc.return_to, exc.response_status, exc.message)
            )
        return HttpResponseRedirect(flow.with_status(done.return_to, "success"))
