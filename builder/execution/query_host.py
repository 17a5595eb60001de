"""The trigger host: what `Query.run()` in an event handler does in Python.

    host = PublishedQueryHost(published.actions, run, workspace_id=ws, user=u,
                              files=resolver, on_result=lambda name, state: ...)
    run_handler(code, run.page.scope, host, action_names=published.action_names)
    host.run                       # the page as the handler's queries left it

`runtime.triggers` calls `run_query(name, params, store)` between JavaScript
turns; the host runs the action snapshot with
`builder.execution.queries.run_action` against the page as it is now (meta
values, the store as the handler left it, and the results of queries that
ran earlier in the same handler), with the datasource's credentials for the
user (per-user tokens), and the user's own picked files only. Each result
moves the page on (`PageRun.moved_to`: only what reads it is evaluated again)
and is handed to `on_result`, which stores it in the session at once.

A query set to `confirm_before_run` runs only if named in `confirmed` (the
end user confirmed it for this run, builder.portal.confirmations). Otherwise
nothing is sent and its Promise rejects: "<name> was cancelled" if named in
`cancelled` (the user pressed Cancel), else a refusal with the code
`confirmation_required`. Neither changes the query's stored result.

A background job passes `upload_checkpoints` (builder.portal.job_checkpoints):
its upload sessions resume from them, and what they raise (a cancelled job)
leaves the handler and the event.

A run that fails is also handed to `on_failure` with its result, so that a
caller can tell why when the handler caught the rejection (a background job
fails when a datasource needs to be authorized again).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from django.contrib.auth.models import User

from builder import statements
from builder.action_config import query_settings
from builder.execution.evaluation import PageRun
from builder.execution.queries import action_state, failed_result, run_action
from datasources.models import Datasource
from runtime.http import (
    ExecutionResult,
    FileResolver,
    InvalidActionConfigError,
    UploadCheckpoints,
)
from runtime.triggers import QueryOutcome

__all__ = [
    "FailureCallback",
    "PublishedQueryHost",
    "cancelled_message",
    "failure_message",
    "needs_confirmation",
]

ResultCallback = Callable[[str, dict[str, Any]], object]
FailureCallback = Callable[[str, ExecutionResult], object]


def failure_message(name: str, result: ExecutionResult) -> str:
    """What a failed run's rejected Promise says: `Error.message` in the handler's catch."""
    reason = result.error.message if result.error is not None else None
    if not reason:
        status = result.status_code
        reason = f"the upstream answered {status}" if status else "it did not run"
    return f"{name} failed: {reason}"


def cancelled_message(name: str) -> str:
    """What a run the end user cancelled rejects with (Appsmith's words)."""
    return f"{name} was cancelled"


def needs_confirmation(action: Mapping[str, Any]) -> bool:
    return query_settings(action.get("config")).confirm_before_run


class PublishedQueryHost:
    """Runs the published queries of one page for one user, as a `runtime.triggers.TriggerHost`."""

    def __init__(
        self,
        actions: Iterable[Mapping[str, Any]],
        run: PageRun,
        *,
        workspace_id: int,
        user: User,
        files: FileResolver,
        on_result: ResultCallback,
        confirmed: Iterable[str] = (),
        cancelled: Iterable[str] = (),
        upload_checkpoints: UploadCheckpoints | None = None,
        on_failure: FailureCallback | None = None,
    ) -> None:
        self.upload_checkpoints = upload_checkpoints
        self.on_failure = on_failure
        self.confirmed = frozenset(confirmed)
        self.cancelled = frozenset(cancelled)
        self.actions = {action["name"]: action for action in actions}
        self.run = run
        self.workspace_id = workspace_id
        self.user = user
        self.files = files
        self.on_result = on_result
        self._datasources: dict[int, Datasource | None] = {}

    def _datasource(self, datasource_id: Any) -> Datasource | None:
        if datasource_id is None:
            return None
        if datasource_id not in self._datasources:
            self._datasources[datasource_id] = statements.datasource_row(
                int(datasource_id), self.workspace_id
            )
        return self._datasources[datasource_id]

    def _result(self, name: str, params: Mapping[str, Any]) -> ExecutionResult:
        action = self.actions.get(name)
        if action is None:
            return failed_result("unknown_action", f"there is no query named {name!r}")
        datasource_id = action.get("datasource")
        datasource = self._datasource(datasource_id)
        if datasource_id is not None and datasource is None:
            return failed_result("datasource_missing", "its datasource no longer exists")
        try:
            return run_action(
                action,
                datasource=datasource,
                user=self.user,
                scope=self.run.page.scope,
                params=params,
                files=self.files,
                upload_checkpoints=self.upload_checkpoints,
            )
        except InvalidActionConfigError as error:
            # In the editor a 400; here a failed run the handler's .catch can show.
            return failed_result(error.code, error.message, field=error.field)

    def _refusal(self, name: str) -> str | None:
        """Why a query set to confirm_before_run may not run now, or None."""
        action = self.actions.get(name)
        if action is None or not needs_confirmation(action) or name in self.confirmed:
            return None
        if name in self.cancelled:
            return cancelled_message(name)
        return (
            f"{name} needs the end user's confirmation before it runs "
            "(confirmation_required); it was not confirmed for this run"
        )

    def run_query(
        self, name: str, params: Mapping[str, Any], store: Mapping[str, Any]
    ) -> QueryOutcome:
        """Run `name` now, store its result in the session; how its Promise settles."""
        state = self.run.state
        if store != state.store:
            # The handler wrote to appsmith.store before this run: bindings read it.
            self.run = self.run.moved_to(replace(state, store=dict(store)))
        refusal = self._refusal(name)
        if refusal is not None:
            return QueryOutcome(ok=False, state=state.action_values(name), error_message=refusal)
        result = self._result(name, params if isinstance(params, Mapping) else {})
        outcome = action_state(result)
        # Later queries (and the event's answer) read this result through bindings.
        state = self.run.state
        self.run = self.run.moved_to(replace(state, actions={**state.actions, name: outcome}))
        self.on_result(name, outcome)
        ok = result.is_execution_success
        if not ok and self.on_failure is not None:
            self.on_failure(name, result)
        return QueryOutcome(
            ok=ok, state=outcome, error_message=None if ok else failure_message(name, result)
        )
