"""Which headers and parameters carry credentials; write-only key/value rows."""

from __future__ import annotations

import pytest

from outbound import NoStoredCredentialError, hide_credentials, is_credential_name, keep_credentials


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "authorization",
        "Proxy-Authorization",
        "Cookie",
        "X-API-Key",
        "apikey",
        "access_token",
        "X-Auth-Token",
        "client_secret",
        "PASSWORD",
        " X-Key ",
    ],
)
def test_credential_names(name: str) -> None:
    assert is_credential_name(name)


@pytest.mark.parametrize(
    "name",
    ["Dropbox-API-Arg", "Content-Type", "Accept", "q", "author", "X-Trace"],
)
def test_other_names(name: str) -> None:
    assert not is_credential_name(name)


def _no_binding(value: str) -> bool:
    return "{{" not in value


def test_hide_shows_a_typed_credential_only_as_set() -> None:
    rows = [
        {"key": "X-Key", "value": "typed"},
        {"key": "Authorization", "value": "Bearer {{ store.token }}"},
        {"key": "X-Empty-Key", "value": ""},
        {"key": "Accept", "value": "text/plain"},
    ]
    assert hide_credentials(rows, is_literal=_no_binding) == [
        {"key": "X-Key", "value": "", "value_set": True},
        {"key": "Authorization", "value": "Bearer {{ store.token }}"},
        {"key": "X-Empty-Key", "value": ""},
        {"key": "Accept", "value": "text/plain"},
    ]
    assert hide_credentials("not rows") == "not rows"
    assert hide_credentials([["a", "b"]]) == [["a", "b"]]


def test_keep_takes_the_stored_values_of_the_same_name_in_order() -> None:
    stored = [
        {"key": "X-Key", "value": "one"},
        {"key": "Accept", "value": "text/plain"},
        {"key": "x-key", "value": "two"},
    ]
    sent = [
        {"key": "X-KEY", "value": "", "value_set": True},
        {"key": "x-key", "value": "", "value_set": True},
        {"key": "Accept", "value": "application/json", "value_set": False},
    ]
    assert keep_credentials(sent, stored) == [
        {"key": "X-KEY", "value": "one"},
        {"key": "x-key", "value": "two"},
        {"key": "Accept", "value": "application/json"},
    ]


def test_a_value_replaces_the_stored_one() -> None:
    stored = [{"key": "X-Key", "value": "old"}]
    sent = [{"key": "X-Key", "value": "new", "value_set": True}]
    assert keep_credentials(sent, stored) == [{"key": "X-Key", "value": "new"}]


@pytest.mark.parametrize(
    "stored",
    [
        None,
        [],
        [{"key": "X-Other-Key", "value": "one"}],  # renamed: the value stays behind
        [{"key": "X-Key", "value": "{{ store.key }}"}],  # a binding is sent back as written
    ],
)
def test_nothing_to_keep_names_the_row(stored: object) -> None:
    sent = [
        {"key": "X-Key", "value": "first"},
        {"key": "X-Key", "value": "", "value_set": True},
    ]
    with pytest.raises(NoStoredCredentialError) as caught:
        keep_credentials(sent, stored, is_literal=_no_binding)
    assert (caught.value.code, caught.value.index, caught.value.name) == (
        "no_stored_value",
        1,
        "X-Key",
    )


def test_each_stored_value_is_kept_once() -> None:
    sent = [{"key": "X-Key", "value": "", "value_set": True}] * 2
    with pytest.raises(NoStoredCredentialError) as caught:
        keep_credentials(sent, [{"key": "X-Key", "value": "one"}])
    assert caught.value.index == 1
