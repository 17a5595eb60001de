"""What every API view shares: authentication, the body size guard, error docs.

Token authentication comes first so that an anonymous request answers 401
with `WWW-Authenticate: Token` (DRF takes the header from the first class);
session authentication serves the browser editor and enforces CSRF. Errors
leave as {"code", "message", "field"?} (`ErrorSerializer`), rendered by the
one exception handler that settings name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import Direction, OpenApiResponse
from rest_framework import exceptions, serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.serializers import Serializer

from restapi.authentication import TokenAuthentication
from restapi.errors import RequestBodyTooLarge

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error the API answers (documentation only)."""

    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(required=False, help_text="Dotted JSON path of the fault.")
    # A declared field: DRF's serializer metaclass takes it out of the class, so
    # it does not replace `Serializer.errors` as the stubs read it.
    errors = serializers.JSONField(  # type: ignore[assignment]
        required=False, help_text="Every fault, when there are several."
    )


_ERROR_MEANINGS = {
    400: "Invalid input; `field` names the fault.",
    401: "Not authenticated.",
    403: "Your role in the workspace is too low.",
    404: "No such object, or not in one of your workspaces.",
    409: "Conflicts with the current state; `field` names the cause.",
    413: "Too large.",
    429: "Too many attempts; `Retry-After` says how many seconds to wait.",
}


def error_responses(*statuses: int, anonymous: bool = False) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for these error statuses (plus 401 unless `anonymous`)."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=_ERROR_MEANINGS[status])
        for status in ((*statuses,) if anonymous else (401, *statuses))
    }


class EditorSchema(AutoSchema):
    """An editor view's OpenAPI operations: those that take a body also answer
    the 413 of the body size guard (`EditorViewSet.initial`)."""

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        bodies = super()._get_response_bodies(direction)
        takes_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer()
        if takes_body and "413" not in bodies:
            (too_large,) = error_responses(413, anonymous=True).values()
            # drf-spectacular leaves this method unannotated.
            bodies["413"] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                too_large, "413", direction=direction
            )
        return bodies


class EditorViewSet(viewsets.GenericViewSet[Any]):
    """Base of the editor API's views: authenticated users only, roles checked per object."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    schema = EditorSchema()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # DRF parses JSON straight from the stream, past Django's
        # DATA_UPLOAD_MAX_MEMORY_SIZE check; refuse oversized bodies before that.
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length.isdigit() and int(length) > limit:
            raise RequestBodyTooLarge(f"The request body is over {limit} bytes.")


def signed_in_user(request: Request) -> User:
    """The user of a request to a view behind `IsAuthenticated` (every EditorViewSet).

    Writes that record who made them need a signed-in user; an anonymous one
    answers 401, as `IsAuthenticated` would have.
    """
    user = request.user
    if not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    return user


def valid_body(serializer_class: type[Serializer[Any]], data: Any) -> dict[str, Any]:
    """The validated body, or a 400 naming the first faulty field."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
