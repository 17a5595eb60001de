"""Every query run is counted by datasource preset and outcome, and timed, against a real API."""

from __future__ import annotations

from dataclasses import replace

import pytest

from builder.execution.queries import failed_result, run_action, run_outcome
from datasources.models import AuthType, Datasource
from runtime.http import ExecutionResult, InvalidActionConfigError
from tests.metrics.reading import sample

pytestmark = pytest.mark.django_db

RUNS = "brace_query_runs_total"
SECONDS = "brace_query_run_seconds_count"


def run(config, datasource=None):
    action = {"name": "Api1", "config": config}
    return run_action(action, datasource=datasource, user=None, scope={})


def test_a_successful_run_counts_under_its_preset(upstream, workspace):
    datasource = Datasource.objects.create(
        workspace=workspace,
        name="My Dropbox",
        url=upstream.url,
        preset="dropbox",
        auth_type=AuthType.BEARER,
        bearer_token="sl.secret-token",
    )
    before = (
        sample(RUNS, datasource="dropbox", outcome="success"),
        sample(SECONDS, datasource="dropbox"),
    )
    assert run({"path": "json"}, datasource).is_execution_success
    assert sample(RUNS, datasource="dropbox", outcome="success") == before[0] + 1
    assert sample(SECONDS, datasource="dropbox") == before[1] + 1


def test_a_failed_run_counts_its_error_code_never_the_datasources_name(upstream, workspace):
    datasource = Datasource.objects.create(workspace=workspace, name="Orders", url=upstream.url)
    before = sample(RUNS, datasource="custom", outcome="http_status")
    result = run({"path": "status/409"}, datasource)
    assert result.error is not None and result.error.code == "http_status"
    assert sample(RUNS, datasource="custom", outcome="http_status") == before + 1
    assert sample(RUNS, datasource="Orders", outcome="http_status") == 0


def test_an_unknown_preset_counts_as_custom(upstream, workspace):
    datasource = Datasource.objects.create(
        workspace=workspace, name="Odd", url=upstream.url, preset="made-up"
    )
    before = sample(RUNS, datasource="custom", outcome="success")
    assert run({"path": "json"}, datasource).is_execution_success
    assert sample(RUNS, datasource="custom", outcome="success") == before + 1
    assert sample(RUNS, datasource="made-up", outcome="success") == 0


def test_a_run_that_sends_nothing_is_counted_too(upstream):
    before = sample(RUNS, datasource="none", outcome="binding_error")
    result = run({"path": upstream.url + "{{ nope.x }}"})
    assert result.error is not None and result.error.code == "binding_error"
    assert upstream.received == []
    assert sample(RUNS, datasource="none", outcome="binding_error") == before + 1


def test_a_refused_config_is_counted_and_still_raised(upstream):
    before = (
        sample(RUNS, datasource="none", outcome="invalid_header"),
        sample(SECONDS, datasource="none"),
    )
    with pytest.raises(InvalidActionConfigError):
        run({"path": upstream.url, "headers": [{"key": "Bad Name", "value": "1"}]})
    assert sample(RUNS, datasource="none", outcome="invalid_header") == before[0] + 1
    assert sample(SECONDS, datasource="none") == before[1] + 1


def test_the_outcome_of_a_failed_result_without_an_error_is_failure():
    bare = ExecutionResult(
        data=None,
        status_code=500,
        headers={},
        is_execution_success=False,
        duration_ms=1,
        request=None,
    )
    assert run_outcome(bare) == "failure"
    assert run_outcome(replace(bare, is_execution_success=True, status_code=200)) == "success"
    assert run_outcome(failed_result("timeout", "too slow")) == "timeout"
