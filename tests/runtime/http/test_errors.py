"""The exception tree: families, codes and context."""

from __future__ import annotations

import pytest

from runtime.http import errors


def test_every_public_error_is_in_the_tree() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.HttpExecutorError)
        assert cls.__doc__


@pytest.mark.parametrize(
    "cls",
    [errors.InvalidURLError, errors.InvalidHeaderError, errors.InvalidBodyError],
)
def test_config_errors_are_400_value_errors_with_a_field(
    cls: type[errors.InvalidActionConfigError],
) -> None:
    error = cls("is wrong", field="config.x")
    assert isinstance(error, ValueError)
    assert error.status_code == 400
    assert error.field == "config.x"
    assert str(error) == "config.x: is wrong"


def test_codes_are_unique() -> None:
    codes = [getattr(errors, name).code for name in errors.__all__]
    assert len(codes) == len(set(codes))


def test_outbound_errors_carry_context() -> None:
    assert errors.TooManyRedirectsError("m", limit=5).limit == 5
    assert errors.ResponseTooLargeError("m", limit=9).limit == 9
    assert errors.DeadlineExceededError("m", timeout_s=1.5).timeout_s == 1.5
    assert errors.FileReadError("m", reference="blob:a").reference == "blob:a"
    assert errors.FileReferenceError("m", field="f", reference="blob:b").reference == "blob:b"
    assert not issubclass(errors.OutboundError, errors.InvalidActionConfigError)
