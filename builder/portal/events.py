"""One portal event, start to end: checked, meta applied, handler run, changes answered.

    prepared = prepare_event(user, EventRequest(page_id=5, widget="FilePicker1",
                                                event="onFilesSelected", meta={"files": [...]}))
    answer = run_event(prepared)
    # {"effects": [...], "widgets": {...}, "actions": {...}, "errors": {...},
    #  "store": {...}, "jobs": [], "error"?: {"code": "handler_error", "name", "message"}}

`prepare_event` only reads: it refuses what the request gets wrong (400
naming `widget`, `event` or the meta path like `meta.files[0].size`) before
anything is written, and evaluates the page, once, for the session as it is.
`run_event` applies the meta changes to the session, runs the handler with
`runtime.triggers` (queries through `PublishedQueryHost`), stores what the
handler changed and answers what changed (see docs/runtime-api.md). After the
first evaluation, each change (the meta values, each query's result, the
session as the closing write left it) re-evaluates only the properties it
reaches (`PageRun.moved_to`). A handler that throws is still a 200: the
effects it produced, and `error`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User

from builder.errors import Invalid
from builder.execution.changes import changes_between
from builder.execution.evaluation import PageRun
from builder.execution.files import FILE_PICKER, RuntimeFileResolver
from builder.execution.query_host import FailureCallback, PublishedQueryHost, needs_confirmation
from builder.execution.sandbox import js_limits
from builder.models import RuntimeFile
from builder.portal import sessions
from builder.portal.evaluation import SessionEvaluator, ancestry, check_usable
from builder.portal.picked_files import check_picked_files
from builder.portal.sessions import SessionChanges, SessionView
from builder.published_pages import PublishedPage, published_page
from runtime import STORE_EFFECTS, BraceRuntimeError, EffectType
from runtime.http import FileResolver, UploadCheckpoints
from runtime.triggers import prepare_handler_contexts, run_handler
from widgets import (
    MetaValidationError,
    UnknownEventError,
    WidgetEntity,
    apply_meta_changes,
    event_handler,
)

__all__ = ["EventRequest", "PreparedEvent", "prepare_event", "prepare_next_handler", "run_event"]

FileResolverFactory = Callable[[FileResolver], FileResolver]


@dataclass(frozen=True)
class EventRequest:
    """What the portal sent: `meta` is None when the request had none."""

    page_id: Any
    widget: str
    event: str
    meta: Any = None
    url: str | None = None
    # Tokens of the queries the end user confirmed, and the ones they cancelled
    # (builder.portal.confirmations).
    confirm: Mapping[str, Any] = field(default_factory=dict)
    cancel: tuple[str, ...] = ()

    @property
    def handler_key(self) -> str:
        """What a confirmation token is bound to besides the user, page and query."""
        return f"{self.widget}.{self.event}"


@dataclass(frozen=True)
class PreparedEvent:
    """A checked event, ready to run (or to hand to a background job)."""

    user: User
    request: EventRequest
    published: PublishedPage
    entities: dict[str, WidgetEntity]
    evaluator: SessionEvaluator
    view: SessionView
    # The page evaluated for `view`: the event's one evaluation of the whole page.
    before: PageRun
    meta: dict[str, Any]
    handler: str | None
    # The stored files the meta picks, as checked (a query reads them without a second read).
    picked: tuple[RuntimeFile, ...] = ()

    @property
    def picked_bytes(self) -> int:
        return sum(row.size for row in self.picked)

    def _named_queries(self) -> list[str]:
        """The queries whose `.run` the handler's text names, first named first."""
        if not self.handler:
            return []
        found = []
        for name in self.published.action_names:
            match = re.search(rf"(?<![\w$.]){re.escape(name)}\s*\.\s*run\b", self.handler)
            if match:
                found.append((match.start(), name))
        return [name for _, name in sorted(found)]

    @property
    def first_query(self) -> str | None:
        """The query the handler's code runs first, as far as its text shows (for job lines)."""
        named = self._named_queries()
        return named[0] if named else None

    @property
    def to_confirm(self) -> list[str]:
        """The queries set to `confirm_before_run` the handler names and the user has not
        answered yet: the event asks for them before anything runs. (A run the text does
        not show, e.g. through a computed name, is refused by the query host instead.)"""
        by_name = {action["name"]: action for action in self.published.actions}
        request = self.request
        return [
            name
            for name in self._named_queries()
            if needs_confirmation(by_name[name])
            and name not in request.confirm
            and name not in request.cancel
        ]


def _handler(published: PublishedPage, widget: str, event: str) -> str | None:
    if event == "":
        return None  # meta changes only, e.g. typing in an Input
    try:
        return event_handler(published.layout, widget, event)
    except UnknownEventError as error:
        raise Invalid(error.message, code=error.code, field="event") from error


def _meta_changes(
    entity: WidgetEntity,
    meta: Any,
    props: Mapping[str, Any],
    *,
    user: User,
    published: PublishedPage,
) -> tuple[dict[str, Any], list[RuntimeFile]]:
    """The valid meta changes and the stored files they pick (400 naming the path)."""
    if meta is None:
        return {}, []
    try:
        changes = apply_meta_changes(entity["type"], meta, props=props, path="meta")
    except MetaValidationError as error:
        first = error.errors[0]
        raise Invalid(first.message, code=first.code, field=first.path) from error
    picked: list[RuntimeFile] = []
    if entity["type"] == FILE_PICKER and "files" in changes:
        picked = check_picked_files(
            changes["files"],  # type: ignore[arg-type]  # validated: a list of file objects
            user=user,
            application=published.application,
            data_format=props.get("dataFormat"),
        )
    return changes, picked


def prepare_event(
    user: User, request: EventRequest, *, published: PublishedPage | None = None
) -> PreparedEvent:
    """Check an event against the published page and the user's session; writes nothing.

    404 unless the user is a viewer+ of a published page (pass `published` if
    the caller has checked that already); 409 `invalid_layout`; 400 naming
    `widget`, `event` or the meta path.
    """
    published = published or published_page(user, request.page_id)
    evaluator = SessionEvaluator(published, user=user, url=request.url)
    view = sessions.read_view(user, published)
    before = evaluator.start(view)  # 409 for a published layout that is not valid
    entities = before.entities
    entity = entities.get(request.widget)
    if entity is None:
        raise Invalid(
            f"No widget named {request.widget!r} on this page.",
            code="unknown_widget",
            field="widget",
        )
    handler = _handler(published, request.widget, request.event)
    if handler is not None or request.meta:
        check_usable(before, request.widget)
    meta, picked = _meta_changes(
        entity, request.meta, before.page.widgets[request.widget], user=user, published=published
    )
    _check_answers(published, request)
    return PreparedEvent(
        user=user,
        request=request,
        published=published,
        entities=entities,
        evaluator=evaluator,
        view=view,
        before=before,
        meta=meta,
        handler=handler,
        picked=tuple(picked),
    )


def _check_answers(published: PublishedPage, request: EventRequest) -> None:
    """400 naming `confirm.X` or `cancel[i]` for a query that is not one to confirm."""
    confirmable = {a["name"] for a in published.actions if needs_confirmation(a)}
    for name in request.confirm:
        if name not in confirmable:
            raise Invalid(
                f"{name} is not a query of this page that asks for confirmation.",
                code="not_confirmable",
                field=f"confirm.{name}",
            )
    for index, name in enumerate(request.cancel):
        if name not in confirmable:
            raise Invalid(
                f"{name} is not a query of this page that asks for confirmation.",
                code="not_confirmable",
                field=f"cancel[{index}]",
            )


def _descendants(entities: Mapping[str, WidgetEntity], name: str) -> list[str]:
    return [item for item in entities if item != name and name in ancestry(entities, item)]


def _resets(effects: list[dict[str, Any]], entities: Mapping[str, WidgetEntity]) -> list[str]:
    names: list[str] = []
    for effect in effects:
        widget = effect.get("widget")
        if effect.get("type") != EffectType.RESET_WIDGET or not isinstance(widget, str):
            continue
        if widget not in entities:  # the portal has nothing to reset either
            continue
        names.append(widget)
        if effect.get("reset_children", True) is not False:
            names.extend(_descendants(entities, widget))
    return names


def _handler_error(name: str, message: str) -> dict[str, str]:
    return {"code": "handler_error", "name": name, "message": message}


def run_event(
    prepared: PreparedEvent,
    *,
    confirmed: frozenset[str] = frozenset(),
    wrap_files: FileResolverFactory | None = None,
    upload_checkpoints: UploadCheckpoints | None = None,
    on_failure: FailureCallback | None = None,
) -> dict[str, Any]:
    """Apply the meta changes, run the handler, store its changes; the event's answer.

    ``confirmed``: the queries set to confirm_before_run whose confirmation
    was redeemed for this event (the others, and those in the request's
    `cancel`, reject when run). ``wrap_files`` wraps the user's file resolver
    (a background job renews its lease as their bytes stream);
    ``upload_checkpoints`` are the job's upload sessions' checkpoints
    (builder.portal.job_checkpoints: what they raise ends the event).
    ``on_failure`` gets each query run that failed, with its result, even
    one the handler caught.
    """
    published, user, evaluator = prepared.published, prepared.user, prepared.evaluator
    view, current = prepared.view, prepared.before
    if not prepared.meta and prepared.handler is None:
        return _answer(prepared, [], current, view, None)
    # A session read by prepare_event exists: apply_changes moves it to this
    # version under its lock if it is behind, so only a new one needs opening.
    session_id = view.session_id
    if session_id is None:
        session_id = sessions.open_session(user, published).pk
    if prepared.meta:
        changes = SessionChanges(meta={prepared.request.widget: prepared.meta})
        view = sessions.apply_changes(session_id, published, changes)
        current = current.moved_to(evaluator.state(view))
    effects: list[dict[str, Any]] = []
    error: dict[str, str] | None = None
    if prepared.handler is not None:
        resolver: FileResolver = RuntimeFileResolver(
            user, published.application, known=prepared.picked
        )
        if wrap_files is not None:
            resolver = wrap_files(resolver)
        # The session as the last write left it, and the query results written
        # since: the closing write is skipped when it would add nothing.
        written_view = view
        written: dict[str, Any] = {}

        def on_result(name: str, state: dict[str, Any]) -> None:
            nonlocal written_view
            written_view = sessions.apply_changes(
                session_id, published, SessionChanges(actions={name: state})
            )
            written[name] = state

        host = PublishedQueryHost(
            published.actions,
            current,
            workspace_id=published.application.workspace_id,
            user=user,
            files=resolver,
            on_result=on_result,
            confirmed=confirmed,
            cancelled=prepared.request.cancel,
            upload_checkpoints=upload_checkpoints,
            on_failure=on_failure,
        )
        actions: dict[str, Any] = {}
        try:
            handled = run_handler(
                prepared.handler,
                current.page.scope,
                host,
                action_names=published.action_names,
                # Handlers always run in QuickJS: runtime.triggers supports no other engine.
                limits=js_limits(),
            )
        except BraceRuntimeError as exc:
            error = _handler_error(type(exc).__name__, str(exc))
        else:
            effects, actions = list(handled.effects), dict(handled.actions)
            if handled.error is not None:
                error = _handler_error(handled.error.name, handled.error.message)
        closing = SessionChanges(
            actions=actions,
            store_ops=[e for e in effects if e.get("type") in STORE_EFFECTS],
            resets=_resets(effects, prepared.entities),
        )
        if closing.store_ops or closing.resets or actions != written:
            view = sessions.apply_changes(session_id, published, closing)
        else:
            # Every result is stored already (on_result) and nothing else
            # changed: the view the last write returned is the session now.
            view = written_view
        # The session as written, with what other events wrote meanwhile.
        current = host.run.moved_to(evaluator.state(view))
    return _answer(prepared, effects, current, view, error)


def _answer(
    prepared: PreparedEvent,
    effects: list[dict[str, Any]],
    after: PageRun,
    view: SessionView,
    error: dict[str, str] | None,
) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "effects": effects,
        **changes_between(prepared.before.page, after.page),
        "store": view.store,
        "jobs": [],
    }
    if error is not None:
        answer["error"] = error
    return answer


def prepare_next_handler(**_: Any) -> None:
    """Django's ``request_finished``: build this thread's next handler sandbox now.

    The response has been sent, so the ~5 ms of building and locking down a
    QuickJS context leaves the next event's latency. Only a thread that has
    run a handler keeps one (see ``runtime.engine.prepare_handler_contexts``).
    """
    prepare_handler_contexts(js_limits())
