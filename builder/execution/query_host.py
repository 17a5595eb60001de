"""The trigger host: what `Query.run()` in a portal event handler does in Python.

    host = PublishedQueryHost(published, evaluator, view, user=u, files=resolver,
                              on_result=lambda name, state: ...)
    run_handler(code, scope, host, action_names=published.action_names)

`runtime.triggers` calls `run_query(name, params)` between JavaScript turns;
the host runs the published action snapshot with `builder.execution.queries.run_action`
against the page as it is now (meta values, and the results of queries that
ran earlier in the same handler), with the datasource's credentials for the
user (per-user tokens), and the user's own picked files only. Each result is
handed to `on_result`, which stores it in the session at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from builder.execution.evaluation import EvaluatedPage
from builder.execution.queries import action_state, failed_result, run_action
from builder.portal.evaluation import SessionEvaluator
from builder.portal.sessions import SessionView
from builder.published_pages import PublishedPage
from datasources.models import Datasource
from runtime.http import ConfigError, FileResolver
from runtime.triggers import QueryOutcome

__all__ = ["PublishedQueryHost", "failure_message"]

ResultCallback = Callable[[str, dict[str, Any]], object]


def failure_message(name: str, result: Mapping[str, Any]) -> str:
    """What a failed run's rejected Promise says: `Error.message` in the handler's catch."""
    error = result.get("error") or {}
    reason = error.get("message") if isinstance(error, Mapping) else None
    if not reason:
        status = (result.get("response_meta") or {}).get("status_code")
        reason = f"the upstream answered {status}" if status else "it did not run"
    return f"{name} failed: {reason}"


class PublishedQueryHost:
    """Runs the published queries of one page for one user, as a `runtime.triggers.TriggerHost`."""

    def __init__(
        self,
        published: PublishedPage,
        evaluator: SessionEvaluator,
        view: SessionView,
        *,
        user: Any,
        files: FileResolver,
        on_result: ResultCallback,
        evaluated: EvaluatedPage | None = None,
    ) -> None:
        self.published = published
        self.evaluator = evaluator
        self.view = view
        self.user = user
        self.files = files
        self.on_result = on_result
        self.actions = {action["name"]: action for action in published.actions}
        self._evaluated = evaluated
        self._datasources: dict[int, Datasource | None] = {}

    def _scope(self) -> dict[str, Any]:
        if self._evaluated is None:
            self._evaluated = self.evaluator.evaluate(self.view)
        return self._evaluated.scope

    def _datasource(self, datasource_id: Any) -> Datasource | None:
        if datasource_id is None:
            return None
        if datasource_id not in self._datasources:
            self._datasources[datasource_id] = Datasource.objects.filter(
                pk=datasource_id, workspace_id=self.published.application.workspace_id
            ).first()
        return self._datasources[datasource_id]

    def _result(self, name: str, params: Mapping[str, Any]) -> dict[str, Any]:
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
                scope=self._scope(),
                params=params,
                files=self.files,
            )
        except ConfigError as error:
            # In the editor a 400; here a failed run the handler's .catch can show.
            return failed_result(error.code, error.message, field=error.field)

    def run_query(
        self, name: str, params: Mapping[str, Any], store: Mapping[str, Any]
    ) -> QueryOutcome:
        """Run `name` now, store its result in the session; how its Promise settles."""
        if store != self.view.store:
            # The handler wrote to appsmith.store before this run: bindings read it.
            self.view = replace(self.view, store=dict(store))
            self._evaluated = None
        result = self._result(name, params if isinstance(params, Mapping) else {})
        state = action_state(result)
        ok = bool((result.get("response_meta") or {}).get("is_execution_success"))
        self.view = replace(self.view, actions={**self.view.actions, name: state})
        self._evaluated = None  # later queries read this result through bindings
        self.on_result(name, state)
        return QueryOutcome(
            ok=ok, state=state, error_message=None if ok else failure_message(name, result)
        )
