"""Portal runtime API: the evaluated published page, its events, and background jobs.

docs/runtime-api.md is the contract; the services live in `builder.portal`.
`appsmith.URL` is the page's address in the browser: the `url` query
parameter if given, else the request's Referer (the portal's fetches send it).
"""

from __future__ import annotations

from typing import Any, NoReturn

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from builder.errors import Invalid
from builder.models import EventJob, Page
from builder.portal.dispatch import handle_event
from builder.portal.events import EventRequest
from builder.portal.jobs import get_job, job_json
from builder.portal.loading import LoadRequest, run_page_load
from builder.portal.pages import runtime_page
from builder.published_pages import published_page
from builder.throttles import PortalEventRateThrottle, too_many_actions
from restapi.base import EditorViewSet, error_responses, signed_in_user, valid_body
from restapi.strict import StrictCharField, StrictSerializer

MAX_URL_LENGTH = 2000

URL_PARAMETER = OpenApiParameter(
    "url",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="The page's address as the browser shows it, for appsmith.URL "
    "(default: the Referer header).",
)


def page_url(request: Request) -> str | None:
    """The portal page's address: `?url=`, else the Referer (400 naming `url` if too long)."""
    given = request.query_params.get("url")
    if given is not None and len(given) > MAX_URL_LENGTH:
        raise Invalid(
            f"url must be at most {MAX_URL_LENGTH} characters.", code="too_long", field="url"
        )
    referer = request.headers.get("Referer", "")
    return given if given is not None else (referer[:MAX_URL_LENGTH] or None)


class EventIn(StrictSerializer):
    widget = StrictCharField(max_length=120, help_text="The widget's name, e.g. FilePicker1.")
    event = StrictCharField(
        allow_blank=True,
        max_length=120,
        help_text='An event of the widget\'s type (onFilesSelected), or "" to only apply meta.',
    )
    meta = serializers.JSONField(
        required=False,
        help_text="Meta property changes the end user made, applied first: "
        '{"files": [{id, name, size, type, data}]} for a FilePicker, {"text"} for an Input.',
    )
    confirm = serializers.DictField(
        child=StrictCharField(max_length=200),
        required=False,
        help_text="Tokens of the queries the end user confirmed, by query: "
        'what a `confirm` answer asked, e.g. {"UploadFileToDropbox": "…"}.',
    )
    cancel = serializers.ListField(
        child=StrictCharField(max_length=120),
        required=False,
        max_length=50,
        help_text="Queries the end user cancelled: their runs reject (`<name> was cancelled`).",
    )


class LoadIn(StrictSerializer):
    confirm = serializers.DictField(
        child=StrictCharField(max_length=200),
        required=False,
        help_text="Tokens of the page-load queries the end user confirmed, by query.",
    )
    cancel = serializers.ListField(
        child=StrictCharField(max_length=120),
        required=False,
        max_length=50,
        help_text="Page-load queries the end user cancelled: they do not run.",
    )


class ConfirmOut(serializers.Serializer[Any]):
    action = serializers.CharField(help_text="The query to confirm.")
    token = serializers.CharField(help_text="Send it back in `confirm` to run the query.")
    code = serializers.CharField(help_text="confirmation_required")
    message = serializers.CharField(help_text='What to ask, e.g. "Run UploadFileToDropbox?".')


class HandlerErrorOut(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="handler_error")
    name = serializers.CharField(help_text="The JavaScript error's name, e.g. TypeError.")
    message = serializers.CharField()


class JobLineOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    action = serializers.CharField(required=False, help_text="The query the handler runs.")
    status = serializers.CharField(help_text="queued")


class ChangesOut(serializers.Serializer[Any]):
    widgets = serializers.DictField(
        child=serializers.DictField(),
        help_text="Changed properties only, by widget; null for a property that lost its value.",
    )
    actions = serializers.DictField(
        child=serializers.DictField(), help_text="Changed {data, isLoading, responseMeta}."
    )
    errors = serializers.DictField(  # type: ignore[assignment]  # a field (restapi.base.ErrorSerializer)
        child=serializers.ListField(child=serializers.DictField()),
        help_text='Errors of re-evaluated properties by "Widget.prop"; [] clears.',
    )
    store = serializers.DictField(help_text="appsmith.store after the event.")


class EventOut(ChangesOut):
    effects = serializers.ListField(
        child=serializers.DictField(), help_text="In the order the handler produced them."
    )
    jobs = JobLineOut(many=True, help_text="Background runs started by this event.")
    error = HandlerErrorOut(required=False, help_text="Only when the handler threw.")
    confirm = ConfirmOut(
        many=True,
        required=False,
        help_text="Only when queries need the end user's confirmation: nothing ran; "
        "send the event again with `confirm` or `cancel`.",
    )


class PageLoadErrorOut(serializers.Serializer[Any]):
    action = serializers.CharField()
    code = serializers.CharField(help_text="dependency_cycle")
    message = serializers.CharField(help_text="The cycle, e.g. Api1 -> Api2 -> Api1.")


class PageLoadOut(serializers.Serializer[Any]):
    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="The page-load queries in run order; they read isLoading true until "
        "POST pages/{id}/load/ has run them.",
    )
    widgets = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Widgets that read a page-load query, by name: the queries they wait on.",
    )
    errors = PageLoadErrorOut(  # type: ignore[assignment]  # a field (restapi.base.ErrorSerializer)
        many=True, help_text="Queries a dependency cycle keeps from running."
    )


class ApplicationLineOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    published_version = serializers.IntegerField(help_text="The version number served.")


class PageLineOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class RuntimePageOut(serializers.Serializer[Any]):
    application = ApplicationLineOut()
    page = PageLineOut()
    pages = PageLineOut(many=True)
    layout = serializers.JSONField(help_text="The widget tree without event handler code.")
    widgets = serializers.DictField(
        child=serializers.DictField(), help_text="Every evaluated property, by widget."
    )
    actions = serializers.DictField(
        child=serializers.DictField(), help_text="{data, isLoading, responseMeta} by query."
    )
    errors = serializers.DictField(  # type: ignore[assignment]  # a field (restapi.base.ErrorSerializer)
        child=serializers.ListField(child=serializers.DictField()),
        help_text='By "Widget.prop": [{code, name, message, binding, line?, column?}].',
    )
    store = serializers.DictField(help_text="appsmith.store: session values over persisted ones.")
    url = serializers.DictField(help_text="appsmith.URL: {host, pathname, queryParams}.")
    page_load = PageLoadOut()


class JobOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    action = serializers.CharField(allow_null=True)
    # A plain string: a "status" enum here would collide with other components' names.
    status = serializers.CharField(help_text="queued, running, succeeded, failed or cancelled.")
    progress = serializers.FloatField(
        help_text="bytes_done / total_bytes, 0..1 (1 once succeeded)."
    )
    bytes_done = serializers.IntegerField(
        help_text="The picked files' bytes the API confirmed (upload-session chunks)."
    )
    total_bytes = serializers.IntegerField(help_text="The picked files' bytes in all.")
    attempts = serializers.IntegerField(
        help_text="Runs so far: more than 1 when a worker died and another resumed the job."
    )
    result = serializers.DictField(
        allow_null=True, help_text="The event's answer (as POST events/) once succeeded."
    )
    error = serializers.DictField(
        allow_null=True, help_text="{code, message} once failed or cancelled."
    )


class RuntimePageViewSet(EditorViewSet):
    queryset = Page.objects.none()  # for the schema; reads go through builder.portal

    def get_throttles(self) -> list[BaseThrottle]:
        # What an end user sets off (handlers, queries) is limited; reading the page is not.
        if self.action in ("events", "load"):
            return [PortalEventRateThrottle()]
        return []

    def throttled(self, request: Request, wait: float | None) -> NoReturn:
        raise too_many_actions(wait)

    @extend_schema(
        tags=["runtime"],
        summary="The published page, evaluated for your runtime session (viewers)",
        parameters=[URL_PARAMETER],
        responses={200: RuntimePageOut, **error_responses(400, 404, 409)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(runtime_page(signed_in_user(request), pk, url=page_url(request)))

    @extend_schema(
        tags=["runtime"],
        summary="Apply an end user's meta changes and run the widget's event handler (viewers)",
        description=(
            "A handler that throws still answers 200, with the effects it produced and "
            "`error`. When the picked files total more than BRACE_EVENT_BACKGROUND_BYTES "
            "the event runs on a worker: the answer lists it in `jobs`."
        ),
        parameters=[URL_PARAMETER],
        request=EventIn,
        responses={200: EventOut, **error_responses(400, 404, 409, 413, 429)},
    )
    def events(self, request: Request, pk: str) -> Response:
        published = published_page(request.user, pk)
        body = valid_body(EventIn, request.data)
        event = EventRequest(
            page_id=pk,
            widget=body["widget"],
            event=body["event"],
            meta=body.get("meta"),
            url=page_url(request),
            confirm=body.get("confirm", {}),
            cancel=tuple(body.get("cancel", ())),
        )
        return Response(handle_event(signed_in_user(request), event, published=published))

    @extend_schema(
        tags=["runtime"],
        summary="Run the page's page-load queries for your runtime session (viewers)",
        description=(
            "The portal calls it once the page (GET) is shown; the answer is an event "
            "answer (what changed since the page as GET gave it). Queries set to "
            "confirm_before_run are asked for first (`confirm`)."
        ),
        parameters=[URL_PARAMETER],
        request=LoadIn,
        responses={200: EventOut, **error_responses(400, 404, 409, 429)},
    )
    def load(self, request: Request, pk: str) -> Response:
        published = published_page(request.user, pk)
        body = valid_body(LoadIn, request.data or {})
        load = LoadRequest(
            page_id=pk,
            url=page_url(request),
            confirm=body.get("confirm", {}),
            cancel=tuple(body.get("cancel", ())),
        )
        return Response(run_page_load(signed_in_user(request), load, published=published))


class RuntimeJobViewSet(EditorViewSet):
    queryset = EventJob.objects.none()  # for the schema

    @extend_schema(
        tags=["runtime"],
        summary="Progress and answer of one of your background events",
        responses={200: JobOut, **error_responses(404)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(job_json(get_job(signed_in_user(request), pk)))
