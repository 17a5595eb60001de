"""Editor API: evaluate a page for the property pane, evaluate a query's bindings for
the query editor, and run a query (the Run button)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from builder import selectors
from builder.action_config import config_to_store
from builder.api.editor_serializers import ActionConfigIn
from builder.api.parsers import utf8_json_body_bytes
from builder.execution.drafts import evaluate_in_editor
from builder.execution.queries import evaluate_draft_config, run_draft_action
from builder.execution.state import RuntimeState, checked_state
from builder.layouts import layout_size_bound
from builder.models import Action, Page
from restapi.base import EditorViewSet, error_responses, signed_in_user, valid_body
from restapi.strict import ParsedJSONField, StrictCharField, StrictSerializer
from widgets import WidgetEntity
from workspaces.models import Role


class ActionStateIn(StrictSerializer):
    """An action's result as bindings read it, hence the JavaScript (camelCase) names."""

    data = serializers.JSONField(required=False, allow_null=True)  # type: ignore[assignment]  # a field (restapi.base.ErrorSerializer)
    responseMeta = serializers.JSONField(
        required=False, allow_null=True, help_text="{statusCode, headers, isExecutionSuccess}"
    )
    isLoading = serializers.BooleanField(required=False)


class PageStateIn(StrictSerializer):
    widgets = serializers.DictField(
        child=serializers.DictField(child=serializers.JSONField()),
        required=False,
        help_text="Meta values end users set, by widget: {FilePicker1: {files: [...]}}.",
    )
    actions = serializers.DictField(
        child=ActionStateIn(), required=False, help_text="Results of actions, by name."
    )
    store = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="appsmith.store"
    )


class EvaluateIn(StrictSerializer):
    layout = ParsedJSONField(
        required=False,
        help_text=(
            "An unsaved layout to evaluate instead of the saved one (the editor's draft), "
            "validated as a save (`PATCH pages/{id}/`) would validate it."
        ),
    )
    state = PageStateIn(required=False)
    url = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="The page's URL as the browser shows it, for appsmith.URL.",
    )


class EvaluateOut(serializers.Serializer[Any]):
    values = serializers.DictField(
        child=serializers.DictField(), help_text="Every evaluated property, by widget."
    )
    errors = serializers.DictField(  # type: ignore[assignment]  # a field (restapi.base.ErrorSerializer)
        child=serializers.ListField(child=serializers.DictField()),
        help_text='By "Widget.property": [{code, name, message, binding, line?, column?}].',
    )


class RunIn(StrictSerializer):
    params = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="What bindings read as this.params.",
    )


class ActionEvaluateIn(StrictSerializer):
    config = ActionConfigIn(
        required=False,
        help_text="An unsaved config to evaluate instead of the saved one (the editor's "
        "draft), validated as `PATCH actions/{id}/` would validate it.",
    )
    params = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="What bindings read as this.params.",
    )


class ActionEvaluateOut(serializers.Serializer[Any]):
    values = serializers.DictField(
        child=serializers.JSONField(),
        help_text='By config path ("config.headers[0].value"): what each field\'s bindings '
        "give, as the run would send it; only fields with a binding that did not fail.",
    )
    errors = serializers.DictField(  # type: ignore[assignment]  # a field (restapi.base.ErrorSerializer)
        child=serializers.ListField(child=serializers.DictField()),
        help_text="By config path: [{code, name, message, binding, line?, column?}].",
    )


class ResponseMetaOut(serializers.Serializer[Any]):
    status_code = serializers.IntegerField(allow_null=True)
    headers = serializers.DictField(child=serializers.CharField())
    is_execution_success = serializers.BooleanField()


class RunOut(serializers.Serializer[Any]):
    data = serializers.JSONField(allow_null=True)  # type: ignore[assignment]  # a field (restapi.base.ErrorSerializer)
    response_meta = ResponseMetaOut()
    duration_ms = serializers.IntegerField()
    request = serializers.JSONField(
        allow_null=True, help_text="As sent, credentials redacted; null if nothing was sent."
    )
    error = serializers.JSONField(
        allow_null=True, help_text="{code, message, field?, retryable?} or null."
    )


class PageEvaluateViewSet(EditorViewSet):
    queryset = Page.objects.none()  # for the schema; reads go through selectors

    @extend_schema(
        tags=["pages"],
        summary="Evaluate every binding of the page (developers)",
        description=(
            "Evaluates the saved layout, or the unsaved `layout` given, against the given "
            "state (meta values, action results, store) as the portal would, in EDIT "
            "mode, with the page's actions. A given `layout` is validated as a save "
            "would validate it: a fault answers 400 with `field` set to its JSON path "
            "(`layout.children[1].props.maxNumFiles`), a layout over 2 MB of JSON or "
            "5,000 widgets answers 413, and nothing is saved either way. A failing "
            "binding is an entry in `errors`, never an HTTP error. A saved layout that "
            "is no longer valid answers 409."
        ),
        request=EvaluateIn,
        responses={200: EvaluateOut, **error_responses(400, 403, 404, 409, 413)},
    )
    def evaluate(self, request: Request, pk: str) -> Response:
        # The editor sends its draft: reading the saved layout would be wasted.
        page = selectors.get_page(request.user, pk, Role.DEVELOPER, layout=False)
        body = valid_body(EvaluateIn, request.data)
        names = list(page.actions.values_list("name", flat=True))
        given = body.get("state") or {}

        def checked(entities: Mapping[str, WidgetEntity]) -> RuntimeState:
            return checked_state(
                layout,
                names,
                widgets=given.get("widgets", {}),
                actions=given.get("actions", {}),
                store=given.get("store", {}),
                user=request.user,
                url=body.get("url"),
                mode="EDIT",
                entities=entities,
            )

        draft = "layout" in body
        layout = body["layout"] if draft else page.layout
        # The body's length bounds the draft's size: most drafts need no weighing.
        body_bytes = utf8_json_body_bytes(request)
        evaluated = evaluate_in_editor(
            page.pk,
            layout,
            names,
            checked,
            draft=draft,
            size_at_most=None if body_bytes is None else layout_size_bound(body_bytes),
        )
        return Response(evaluated.to_json())


class ActionRunViewSet(EditorViewSet):
    queryset = Action.objects.none()  # for the schema; reads go through selectors

    @extend_schema(
        tags=["actions"],
        summary="Run the query (developers)",
        description=(
            "Runs the saved (draft) action against its page's default state. A failed "
            "call (upstream error, binding error, datasource not authorized) is a 200 "
            "with `response_meta.is_execution_success` false and `error`; a config the "
            "executor refuses is a 400 naming the field."
        ),
        request=RunIn,
        responses={200: RunOut, **error_responses(400, 403, 404, 409)},
    )
    def run(self, request: Request, pk: str) -> Response:
        action = selectors.get_action(request.user, pk, Role.DEVELOPER)
        body = valid_body(RunIn, request.data)
        result = run_draft_action(action, user=signed_in_user(request), params=body.get("params"))
        return Response(result.to_dict())

    @extend_schema(
        tags=["actions"],
        summary="Evaluate the query's bindings (developers)",
        description=(
            "Evaluates every `{{ }}` binding of the saved config, or of the unsaved `config` "
            "given, as the Run button would (the page's saved layout as first loaded, EDIT "
            "mode, `this.params`), and sends nothing. A given `config` is validated as a "
            "save would validate it: a fault answers 400 naming its field "
            "(`config.timeout_s`), and nothing is saved either way. A failing binding is an "
            "entry in `errors`, never an HTTP error."
        ),
        request=ActionEvaluateIn,
        responses={200: ActionEvaluateOut, **error_responses(400, 403, 404, 409)},
    )
    def evaluate(self, request: Request, pk: str) -> Response:
        action = selectors.get_action(request.user, pk, Role.DEVELOPER)
        body = valid_body(ActionEvaluateIn, request.data)
        config = body.get("config")
        if config is not None:
            # A credential left as `value_set` is the stored one, as on save.
            config = config_to_store(config, action.config)
        evaluation = evaluate_draft_config(
            action, user=signed_in_user(request), config=config, params=body.get("params")
        )
        return Response(evaluation.to_json())
