"""POST pages/{id}/load/: run the page's page-load queries, in order, after the page showed.

    answer = run_page_load(user, LoadRequest(page_id, url=..., confirm={...}, cancel=[...]))
    # {"effects": [...], "widgets": {...}, "actions": {...}, "errors": {...}, "store": {...},
    #  "jobs": [], "confirm"?: [{"action", "token", "code", "message"}]}

GET pages/{id}/ answers at once with the page-load queries reading as
`isLoading: true` (builder.portal.pages); the portal then asks for this run.
The queries run one after the other in the plan's order (a query after those
whose data it binds, builder.page_load), each against the page as the ones
before left it, and each result is stored in the session as it comes. The
answer is what changed since the page as GET showed it, the event answer's
shape: the portal applies it as one, so the widgets that waited update.

A failed query is a `showAlert` effect ("Api1 failed: ..."), like Appsmith's
toast; a query a dependency cycle keeps from running is one too. A page-load
query set to `confirm_before_run` is asked for first, as an event's are
(builder.portal.confirmations): while one is neither confirmed nor cancelled
nothing runs and the answer carries `confirm`. A cancelled one does not run
("Api1 was cancelled", a warning); the others run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User

from builder.errors import Invalid
from builder.execution.changes import changes_between
from builder.execution.files import RuntimeFileResolver
from builder.execution.query_host import PublishedQueryHost, cancelled_message, needs_confirmation
from builder.portal import sessions
from builder.portal.confirmations import PAGE_LOAD, redeem, request_confirmations
from builder.portal.evaluation import SessionEvaluator
from builder.portal.sessions import SessionChanges
from builder.published_pages import PublishedPage, published_page

__all__ = ["LoadRequest", "run_page_load"]


@dataclass(frozen=True)
class LoadRequest:
    page_id: Any
    url: str | None = None
    confirm: Mapping[str, Any] = field(default_factory=dict)
    cancel: Sequence[str] = ()


def _alert(message: str, style: str) -> dict[str, str]:
    return {"type": "showAlert", "message": message, "style": style}


def check_confirmable(
    published: PublishedPage, names: Sequence[str], allowed: Sequence[str], field_name: str
) -> None:
    """400 naming `confirm.X` / `cancel[i]` for a query that is not one to confirm here."""
    by_name = {action["name"]: action for action in published.actions}
    for index, name in enumerate(names):
        action = by_name.get(name)
        where = f"{field_name}.{name}" if field_name == "confirm" else f"{field_name}[{index}]"
        if action is None or not needs_confirmation(action) or name not in allowed:
            raise Invalid(
                f"{name} is not a query this run asks to confirm.",
                code="not_confirmable",
                field=where,
            )


def run_page_load(
    user: User, request: LoadRequest, *, published: PublishedPage | None = None
) -> dict[str, Any]:
    """Run the page-load queries for the user's session; what changed (see the module)."""
    published = published or published_page(user, request.page_id)
    page_id = published.page["id"]
    view = sessions.read_view(user, published)
    running = sessions.running_actions(sessions.view_jobs(view, page_id))
    evaluator = SessionEvaluator(published, user=user, url=request.url, running=running)
    plan = evaluator.page_load_plan()
    by_name = {action["name"]: action for action in published.actions}
    to_confirm = [name for name in plan.order if needs_confirmation(by_name[name])]
    check_confirmable(published, list(request.confirm), to_confirm, "confirm")
    check_confirmable(published, list(request.cancel), to_confirm, "cancel")
    before = evaluator.start(view, loading=plan.order)
    effects = [
        _alert(f"{name} did not run: {cycle}", "error") for name, cycle in plan.errors.items()
    ]
    asked = [
        name for name in to_confirm if name not in request.confirm and name not in request.cancel
    ]
    if asked:
        answer: dict[str, Any] = {
            "effects": [],
            "widgets": {},
            "actions": {},
            "errors": {},
            "store": view.store,
            "jobs": [],
            "confirm": request_confirmations(user, page_id, PAGE_LOAD, asked),
        }
        return answer
    confirmed = redeem(user, page_id, PAGE_LOAD, request.confirm)
    if not plan.order:
        return _answer(before, before, view.store, effects)
    session_id = view.session_id or sessions.open_session(user, published).pk
    written = view

    def on_result(name: str, state: dict[str, Any]) -> None:
        nonlocal written
        written = sessions.apply_changes(
            session_id, published, SessionChanges(actions={name: state})
        )

    host = PublishedQueryHost(
        published.actions,
        before,
        workspace_id=published.application.workspace_id,
        user=user,
        files=RuntimeFileResolver(user, published.application),
        on_result=on_result,
        confirmed=confirmed,
        cancelled=request.cancel,
    )
    for name in plan.order:
        outcome = host.run_query(name, {}, host.run.state.store)
        if not outcome.ok:
            style = "warning" if outcome.error_message == cancelled_message(name) else "error"
            effects.append(_alert(outcome.error_message or f"{name} failed", style))
    # The session as written (no query loading any more), with what others wrote meanwhile.
    after = host.run.moved_to(evaluator.state(written))
    return _answer(before, after, written.store, effects)


def _answer(before: Any, after: Any, store: dict[str, Any], effects: list[Any]) -> dict[str, Any]:
    return {
        "effects": effects,
        **changes_between(before.page, after.page),
        "store": store,
        "jobs": [],
    }
