"""The exception tree: one root, codes and context."""

from __future__ import annotations

from outbound import errors


def test_every_public_error_is_in_the_tree() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.OutboundPolicyError)
        assert cls.__doc__


def test_codes_are_unique() -> None:
    codes = [getattr(errors, name).code for name in errors.__all__]
    assert len(codes) == len(set(codes))


def test_errors_carry_code_message_and_field() -> None:
    invalid = errors.InvalidPolicyError("must be an integer", field="policy.max_redirects")
    assert isinstance(invalid, ValueError)
    assert (invalid.code, invalid.message, invalid.field) == (
        "invalid_config",
        "must be an integer",
        "policy.max_redirects",
    )
    blocked = errors.BlockedAddressError(
        "refused", host="evil.test", address="169.254.169.254", reason="metadata"
    )
    assert (blocked.code, blocked.message, blocked.field) == ("blocked_address", "refused", None)
    assert (blocked.host, blocked.address, blocked.reason) == (
        "evil.test",
        "169.254.169.254",
        "metadata",
    )
    assert str(blocked) == "refused"
