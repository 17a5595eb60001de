"""FilePicker meta ``files``: shape of each picked file and the widget's limits."""

from __future__ import annotations

from typing import Any

import pytest

from widgets.registry import get_widget_type
from widgets.types.file_picker import BYTES_PER_MB, file_type_allowed, validate_files

DEFAULTS = {"maxNumFiles": 1, "maxFileSize": 5, "allowedFileTypes": ["*"]}


def _file(**overrides: Any) -> dict[str, Any]:
    picked = {"id": "f1", "name": "cv.pdf", "size": 1024, "type": "application/pdf"}
    return {**picked, "data": "blob:f1", **overrides}


def _faults(files: object, **props: object) -> list[tuple[str, str]]:
    faults = validate_files(files, {**DEFAULTS, **props}, "meta.files")
    assert all(fault.message for fault in faults)
    return [(fault.path, fault.code) for fault in faults]


def test_a_valid_file_list_passes() -> None:
    assert _faults([_file()]) == []
    assert _faults([]) == []
    assert _faults([_file(id=7)]) == []
    assert _faults([_file(type="")]) == []  # browsers leave the type empty when unknown


@pytest.mark.parametrize("files", [None, "cv.pdf", {"0": {}}, 3])
def test_files_must_be_an_array(files: object) -> None:
    assert _faults(files) == [("meta.files", "invalid_type")]


def test_more_files_than_max_num_files() -> None:
    assert _faults([_file(), _file(id="f2")]) == [("meta.files", "too_many_files")]
    assert _faults([_file(), _file(id="f2")], maxNumFiles=2) == []
    [fault] = validate_files([_file()] * 3, {"maxNumFiles": 2}, "p")
    assert fault.message == "At most 2 files can be picked; got 3."


@pytest.mark.parametrize("item", ["cv.pdf", 1, None, ["f1"]])
def test_each_file_must_be_an_object(item: object) -> None:
    assert _faults([item]) == [("meta.files[0]", "invalid_type")]


def test_missing_and_unknown_keys_are_reported_per_key() -> None:
    item = _file(extra=1)
    del item["size"], item["data"]
    assert _faults([item]) == [
        ("meta.files[0].size", "missing_key"),
        ("meta.files[0].data", "missing_key"),
        ("meta.files[0].extra", "unknown_key"),
    ]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", ""),
        ("id", None),
        ("id", True),
        ("name", ""),
        ("name", 3),
        ("size", -1),
        ("size", 1.5),
        ("size", "1024"),
        ("size", False),
        ("type", None),
        ("data", 42),
        ("data", None),
    ],
)
def test_each_file_field_is_type_checked(key: str, value: object) -> None:
    assert _faults([_file(**{key: value})]) == [(f"meta.files[0].{key}", "invalid_type")]


def test_a_file_over_max_file_size_is_too_large() -> None:
    assert _faults([_file(size=5 * BYTES_PER_MB)]) == []
    assert _faults([_file(size=5 * BYTES_PER_MB + 1)]) == [("meta.files[0].size", "file_too_large")]
    [fault] = validate_files([_file(size=3 * BYTES_PER_MB)], {"maxFileSize": 2.5}, "p")
    assert fault.message == "Files can be at most 2.5 MB."


def test_a_file_of_a_type_not_allowed_is_rejected() -> None:
    assert _faults([_file()], allowedFileTypes=["image/*"]) == [
        ("meta.files[0].type", "file_type_not_allowed")
    ]
    assert _faults([_file()], allowedFileTypes=[".pdf"]) == []


def test_limits_that_are_bindings_are_left_to_the_runtime() -> None:
    files = [_file(size=10**12, type="x/y"), _file(id="f2")]
    assert (
        _faults(
            files,
            maxNumFiles="{{ Limit.value }}",
            maxFileSize="{{ 1 }}",
            allowedFileTypes="{{ ['image/*'] }}",
        )
        == []
    )


@pytest.mark.parametrize("limit", [10**400, float("inf"), float("nan")])
def test_huge_or_non_finite_size_limits_do_not_crash(limit: float) -> None:
    assert validate_files([_file(size=10**300)], {"maxFileSize": limit}, "p") == []


def test_a_huge_file_against_a_huge_limit() -> None:
    assert _faults([_file(size=10**500)], maxFileSize=10**400) == [
        ("meta.files[0].size", "file_too_large")
    ]


def test_without_props_no_limit_applies() -> None:
    assert validate_files([_file(size=10**12)] * 3, {}, "p") == []


def test_shape_faults_skip_the_limit_checks() -> None:
    # A malformed file reports its shape only, not a misleading size error.
    assert _faults([_file(size="huge", type="image/png")], allowedFileTypes=[".pdf"]) == [
        ("meta.files[0].size", "invalid_type")
    ]


@pytest.mark.parametrize(
    ("name", "mime", "allowed", "expected"),
    [
        ("a.pdf", "application/pdf", [], True),
        ("a.pdf", "application/pdf", ["*"], True),
        ("a.PDF", "", [".pdf"], True),
        ("a.pdf", "application/pdf", [".png"], False),
        ("a.png", "image/png", ["image/*"], True),
        ("a.png", "IMAGE/PNG", ["image/png"], True),
        ("a.png", "image/png", ["image/jpeg", ".gif"], False),
        ("a.txt", "text/plain", ["image/*"], False),
    ],
)
def test_file_type_allowed(name: str, mime: str, allowed: list[str], expected: bool) -> None:
    assert file_type_allowed(name, mime, allowed) is expected


@pytest.mark.parametrize("value", [["*"], [".pdf", "image/*", "application/vnd.ms-excel"], []])
def test_allowed_file_types_accepts_patterns(value: list[str]) -> None:
    spec = get_widget_type("FilePicker").get_property("allowedFileTypes")
    assert spec is not None
    assert spec.validate(value, "p") == []


@pytest.mark.parametrize("pattern", ["pdf", "", "image/", "*.pdf", "<script>"])
def test_allowed_file_types_rejects_other_patterns(pattern: str) -> None:
    spec = get_widget_type("FilePicker").get_property("allowedFileTypes")
    assert spec is not None
    [fault] = spec.validate([pattern], "p")
    assert (fault.path, fault.code) == ("p[0]", "invalid_value")
