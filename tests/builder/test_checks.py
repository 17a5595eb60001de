"""The builder's system checks refuse job settings that would break background jobs."""

from __future__ import annotations

import pytest

from builder.checks import check_job_settings


def test_the_defaults_pass():
    assert check_job_settings() == []


@pytest.mark.parametrize("lease", [0, -5, "60", None, True])
def test_a_lease_that_is_not_a_positive_number_is_an_error(settings, lease):
    settings.BRACE_JOB_LEASE_S = lease
    (message,) = check_job_settings()
    assert message.id == "builder.E001"
    expected = f"BRACE_JOB_LEASE_S is {lease!r}: it must be a positive number of seconds."
    assert message.msg == expected


@pytest.mark.parametrize("attempts", [0, -1, 2.5, None])
def test_attempts_below_one_are_an_error(settings, attempts):
    settings.BRACE_JOB_MAX_ATTEMPTS = attempts
    (message,) = check_job_settings()
    assert message.id == "builder.E002"
    assert str(attempts) in message.msg


def test_the_check_runs_with_the_others(settings):
    from django.core.checks import run_checks

    settings.BRACE_JOB_LEASE_S = 0
    assert "builder.E001" in {message.id for message in run_checks()}
