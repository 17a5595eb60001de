"""Portal runtime API: files end users pick in a published page's FilePicker."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from builder.errors import Invalid, PayloadTooLarge
from builder.execution.files import picked_file_json
from builder.models import RuntimeFile
from builder.portal.picked_files import store_picked_file
from builder.published_pages import published_page
from restapi.authentication import TokenAuthentication
from restapi.base import error_responses, signed_in_user, valid_body
from restapi.strict import StrictSerializer
from runtime import FILE_REFERENCE_PREFIX

# Django's multipart parser reads the body in its upload handlers' chunk size, 64 KiB
# by default. Under gunicorn each such read of a large body copies the up to 1 MiB
# its socket reader holds ahead (memmove and page faults were most of the web
# process's CPU on a big pick); 1 MiB reads copy each byte a few times, not ~24.
# Memory: a few MiB a request.
UPLOAD_READ_BYTES = 1024 * 1024

# What a multipart body holds besides the file: boundaries, part headers (a name
# of up to 255 characters), the page and widget fields; a browser sends < 1 KiB.
MULTIPART_ENVELOPE_BYTES = 64 * 1024


def max_upload_bytes() -> int:
    """The largest file taken: a body over it plus an envelope is refused from the
    Content-Length, before Django spools it to disk, and a file over it after parsing.
    Each FilePicker's own maxFileSize is checked after."""
    return settings.BRACE_RUNTIME_FILE_MAX_BYTES


class PickedFileIn(StrictSerializer):
    # Multipart values are strings, so `page` is a plain (coercing) IntegerField.
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    page = serializers.IntegerField(min_value=1, help_text="A page of a published application.")
    widget = serializers.CharField(max_length=120, help_text="The FilePicker's name.")


class PickedFileOut(serializers.Serializer[Any]):
    id = serializers.CharField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    type = serializers.CharField()
    data = serializers.CharField(  # type: ignore[assignment]  # a field (restapi.base.ErrorSerializer)
        help_text=f"{FILE_REFERENCE_PREFIX}<id>; with dataFormat Text or Base64 and a file "
        "up to 1 MB, the content."
    )


class RuntimeFileViewSet(viewsets.GenericViewSet[Any]):
    """Like the editor's views (token or session, CSRF for the browser), but multipart."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    queryset = RuntimeFile.objects.none()  # for the schema

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Before authentication: a session's CSRF check parses the body already.
        for handler in request.upload_handlers:
            handler.chunk_size = max(handler.chunk_size, UPLOAD_READ_BYTES)
        super().initial(request, *args, **kwargs)
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = max_upload_bytes()
        if length.isdigit() and int(length) > limit + MULTIPART_ENVELOPE_BYTES:
            raise PayloadTooLarge(f"The upload is over {limit} bytes.")

    @extend_schema(
        tags=["runtime"],
        summary="Store a file picked in a FilePicker (viewers)",
        description=(
            "The FilePicker's maxFileSize (MB) and allowedFileTypes apply (400 naming "
            "`file`); a hidden or disabled FilePicker takes none (400 naming `widget`). "
            "The file is kept for BRACE_RUNTIME_FILE_TTL_S seconds and only its uploader "
            "can send it in a query of the same application. It replaces the user's "
            "earlier files of that FilePicker beyond its maxNumFiles. A user keeps at most "
            "BRACE_RUNTIME_FILES_MAX_PER_USER_APP files (429 `stored_files_limit`) and "
            "BRACE_RUNTIME_BYTES_MAX_PER_USER_APP bytes (413 `stored_bytes_limit`) per "
            "application."
        ),
        request={"multipart/form-data": PickedFileIn},
        responses={201: PickedFileOut, **error_responses(400, 403, 404, 413, 429)},
    )
    def create(self, request: Request) -> Response:
        if len(request.FILES.getlist("file")) > 1:
            raise Invalid("Send one file per request.", code="too_many_files", field="file")
        body = valid_body(PickedFileIn, request.data)
        limit = max_upload_bytes()
        if (body["file"].size or 0) > limit:  # a file of exactly the limit is taken
            raise PayloadTooLarge(f"The upload is over {limit} bytes.")
        published = published_page(request.user, body["page"])
        runtime_file, props = store_picked_file(
            user=signed_in_user(request),
            published=published,
            widget=body["widget"],
            upload=body["file"],
        )
        return Response(
            picked_file_json(runtime_file, props.get("dataFormat")),
            status=status.HTTP_201_CREATED,
        )
