"""BRACE_METRICS_ALLOWED_NETWORKS is read as a list of checked networks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_networks


def test_networks_are_read_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRACE_METRICS_ALLOWED_NETWORKS", " 10.0.0.0/8, ::1 ,")
    assert env_networks("BRACE_METRICS_ALLOWED_NETWORKS") == ["10.0.0.0/8", "::1"]
    monkeypatch.delenv("BRACE_METRICS_ALLOWED_NETWORKS")
    assert env_networks("BRACE_METRICS_ALLOWED_NETWORKS") == []


def test_a_bad_network_stops_start_up_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRACE_METRICS_ALLOWED_NETWORKS", "10.0.0.0/8,office")
    with pytest.raises(ImproperlyConfigured, match=r"BRACE_METRICS_ALLOWED_NETWORKS .*'office'"):
        env_networks("BRACE_METRICS_ALLOWED_NETWORKS")
