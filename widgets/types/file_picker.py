"""FilePicker: end users pick files, which the portal stores and lists in meta ``files``.

Each picked file is ``{id, name, size, type, data}`` as answered by the
runtime ``files/`` endpoint: ``size`` in bytes, ``type`` the MIME type, ``data``
a reference (``blob:...``) or the content in the widget's ``dataFormat``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from widgets.errors import FieldError, preview
from widgets.paths import member_path
from widgets.schema import (
    EventSpec,
    GridSize,
    MetaSpec,
    PropertySpec,
    Section,
    Shape,
    ValueType,
    WidgetType,
    type_name,
)
from widgets.types.common import is_disabled, is_required, is_visible

__all__ = ["FILE_KEYS", "FILE_PICKER", "FILE_SHAPE", "file_type_allowed", "validate_files"]

# One picked file: what the portal stores (builder.execution.files) and the
# editor completes under `files[0]` before anything is picked.
FILE_SHAPE = Shape(
    "object",
    "A picked file.",
    keys=(
        ("id", Shape("string", "The stored file's id.")),
        ("name", Shape("string", "The file's name, as picked.")),
        ("size", Shape("number", "Its size in bytes.")),
        ("type", Shape("string", "Its MIME type, e.g. image/png.")),
        (
            "data",
            Shape("string", "A blob: reference to the content, or the content as dataFormat says."),
        ),
    ),
)
FILE_KEYS = tuple(name for name, _ in FILE_SHAPE.keys)
BYTES_PER_MB = 1024 * 1024

# "*", an extension (".pdf") or a MIME type, possibly wild ("image/*").
_FILE_TYPE = re.compile(r"\*|\.[A-Za-z0-9][A-Za-z0-9._+-]*|[A-Za-z0-9.+-]+/(?:\*|[A-Za-z0-9.+-]+)")


def _check_file_type(value: object) -> str | None:
    if isinstance(value, str) and _FILE_TYPE.fullmatch(value):
        return None
    return f"{preview(value)} is not a file type: use '*', an extension like '.pdf' or a MIME type."


def file_type_allowed(name: str, mime_type: str, allowed: list[str]) -> bool:
    """Whether a file matches ``allowed`` (empty or ``"*"`` allows every file)."""
    if not allowed or "*" in allowed:
        return True
    for pattern in allowed:
        pattern = pattern.lower()
        if pattern.startswith("."):
            if name.lower().endswith(pattern):
                return True
        elif pattern.endswith("/*"):
            if mime_type.lower().startswith(pattern[:-1]):
                return True
        elif mime_type.lower() == pattern:
            return True
    return False


def _literal_int(props: Mapping[str, object], key: str) -> int | None:
    value = props.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _literal_number(props: Mapping[str, object], key: str) -> int | float | None:
    # Kept as given: float() of a huge int overflows, and NaN or infinity is no limit.
    value = props.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _literal_types(props: Mapping[str, object]) -> list[str] | None:
    value = props.get("allowedFileTypes")
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [str(item) for item in value]
    return None


def validate_files(value: object, props: Mapping[str, object], path: str) -> list[FieldError]:
    """Faults of a ``files`` list, checking the widget's limits where they are literals."""
    if not isinstance(value, list):
        return [
            FieldError(path, "invalid_type", f"files must be an array, not {type_name(value)}.")
        ]
    errors: list[FieldError] = []
    max_files = _literal_int(props, "maxNumFiles")
    if max_files is not None and len(value) > max_files:
        errors.append(
            FieldError(
                path,
                "too_many_files",
                f"At most {max_files} file{'s' if max_files != 1 else ''} can be picked; "
                f"got {len(value)}.",
            )
        )
    for index, item in enumerate(value):
        errors.extend(_validate_file(item, props, f"{path}[{index}]"))
    return errors


def _validate_file(item: object, props: Mapping[str, object], path: str) -> list[FieldError]:
    if not isinstance(item, Mapping):
        return [
            FieldError(
                path,
                "invalid_type",
                f"A file must be an object {{{', '.join(FILE_KEYS)}}}, not {type_name(item)}.",
            )
        ]
    errors = [
        FieldError(f"{path}.{key}", "missing_key", f"A file needs {key!r}.")
        for key in FILE_KEYS
        if key not in item
    ]
    errors += [
        FieldError(
            member_path(path, str(key)),
            "unknown_key",
            f"A file has no key {preview(key)}; its keys are {', '.join(FILE_KEYS)}.",
        )
        for key in item
        if key not in FILE_KEYS
    ]
    file_id, name, size, mime_type, data = (item.get(key) for key in FILE_KEYS)
    if "id" in item and not (
        (isinstance(file_id, str) and file_id)
        or (isinstance(file_id, int) and not isinstance(file_id, bool))
    ):
        errors.append(
            FieldError(f"{path}.id", "invalid_type", "id must be a non-empty string or an integer.")
        )
    if "name" in item and not (isinstance(name, str) and name):
        errors.append(
            FieldError(f"{path}.name", "invalid_type", "name must be a non-empty string.")
        )
    if "size" in item and not (isinstance(size, int) and not isinstance(size, bool) and size >= 0):
        errors.append(
            FieldError(f"{path}.size", "invalid_type", "size must be a whole number of bytes.")
        )
    if "type" in item and not isinstance(mime_type, str):
        errors.append(
            FieldError(f"{path}.type", "invalid_type", "type must be a MIME type string.")
        )
    if "data" in item and not isinstance(data, str):
        errors.append(FieldError(f"{path}.data", "invalid_type", "data must be a string."))
    if errors:
        return errors
    return _check_limits(name, size, mime_type, props, path)


def _check_limits(
    name: object, size: object, mime_type: object, props: Mapping[str, object], path: str
) -> list[FieldError]:
    errors: list[FieldError] = []
    max_mb = _literal_number(props, "maxFileSize")
    if max_mb is not None and isinstance(size, int) and size > max_mb * BYTES_PER_MB:
        errors.append(
            FieldError(f"{path}.size", "file_too_large", f"Files can be at most {max_mb} MB.")
        )
    allowed = _literal_types(props)
    if (
        allowed is not None
        and isinstance(name, str)
        and isinstance(mime_type, str)
        and not file_type_allowed(name, mime_type, allowed)
    ):
        errors.append(
            FieldError(
                f"{path}.type",
                "file_type_not_allowed",
                f"{preview(name)} ({preview(mime_type) if mime_type else 'unknown type'}) "
                f"is not one of {', '.join(allowed)}.",
            )
        )
    return errors


FILE_PICKER = WidgetType(
    name="FilePicker",
    label="File picker",
    help="Lets end users pick files to upload.",
    # An upload arrow over a tray.
    icon="M12 3l5 5h-3.5v6h-3V8H7zM4 15h2v3h12v-3h2v5H4z",
    default_size=GridSize(16, 4),
    properties=(
        PropertySpec("label", ValueType.STRING, "Select Files", label="Label"),
        PropertySpec("maxNumFiles", ValueType.INTEGER, 1, minimum=1, label="Max no. of files"),
        PropertySpec(
            "maxFileSize",
            ValueType.NUMBER,
            5,
            minimum=0,
            exclusive_minimum=True,
            help="In MB.",
            label="Max file size (MB)",
            section=Section.VALIDATION,
        ),
        PropertySpec(
            "allowedFileTypes",
            ValueType.STRING_LIST,
            ["*"],
            check=_check_file_type,
            help="'*', extensions ('.pdf') or MIME types ('image/*').",
            label="Allowed file types",
        ),
        # Not bindable, as in Appsmith: it decides how the portal reads the file.
        PropertySpec(
            "dataFormat",
            ValueType.ENUM,
            "Base64",
            bindable=False,
            choices=("Base64", "Binary", "Text"),
            label="Data format",
            help="What files[0].data holds. Binary: the file itself, for a query's "
            "binary body (an upload); Base64 and Text: its content, in the app.",
        ),
        is_required(),
        is_disabled(),
        is_visible(),
    ),
    meta=(
        MetaSpec(
            "files",
            [],
            validate_files,
            help="The picked files.",
            shape=Shape("array", items=FILE_SHAPE),
        ),
    ),
    derived={"isValid": "this.isRequired ? this.files.length > 0 : true"},
    events=(EventSpec("onFilesSelected", "Runs when an end user picks files."),),
)
