"""Files end users pick in the portal: each upload checked against its FilePicker and
stored, and FilePicker meta checked against the stored files (no one sends another's).

    runtime_file, props = store_picked_file(user=u, published=p, widget="FilePicker1",
                                            upload=f)      # POST runtime/files/
    rows = check_picked_files(meta["files"], user=u, application=app, data_format="Binary")

An upload must pass the FilePicker's maxFileSize and allowedFileTypes as
evaluated on the published page for the user's session (400 naming `file`);
a hidden or disabled picker takes none, as its events are refused (400
`widget_hidden` / `widget_disabled` naming `widget`, the same rule). The
upload replaces the user's earlier picks of that widget beyond its
maxNumFiles: a pick of n files is n uploads, and the n newest stay.
The portal puts in `files` exactly what POST runtime/files/ answered. Each
entry must name a `RuntimeFile` of this user in this application that has not
expired, with its stored name, size and type, and `data` either its `blob:`
reference or, for dataFormat Text and Base64, the inline content files/
answered. Anything else is a 400 naming the entry's key
(`meta.files[0].data`). The rows' total size decides whether the event runs
in the background, and its query reads them without reading them again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from builder.errors import Invalid
from builder.execution.files import (
    FILE_PICKER,
    content_type_of,
    picked_file_json,
    save_runtime_file,
)
from builder.models import Application, RuntimeFile
from builder.portal import sessions
from builder.portal.evaluation import SessionEvaluator, check_usable
from builder.published_pages import PublishedPage
from runtime import FILE_REFERENCE_PREFIX
from widgets import (
    MetaValidationError,
    WidgetNotFoundError,
    apply_meta_changes,
    find_widget,
    get_widget_type,
)

__all__ = ["check_picked_files", "file_picker_props", "store_picked_file"]


def file_picker_props(published: PublishedPage, widget: str, *, user: User) -> dict[str, Any]:
    """The FilePicker's properties evaluated for the user's session (400 naming `widget`).

    A hidden or disabled picker is refused as its events are.
    """
    try:
        node = find_widget(published.layout, widget)
    except WidgetNotFoundError as error:
        raise Invalid(error.message, code=error.code, field="widget") from error
    if node.get("type") != FILE_PICKER:
        raise Invalid(
            f"{widget!r} is a {node.get('type')}, not a FilePicker.",
            code="not_a_file_picker",
            field="widget",
        )
    # Limits may be bindings (maxFileSize: {{...}}): they apply as evaluated.
    run = SessionEvaluator(published, user=user, url=None).start(
        sessions.read_view(user, published)
    )
    check_usable(run, widget)
    return run.page.widgets[widget]


def _max_num_files(props: Mapping[str, Any]) -> int:
    """maxNumFiles as evaluated; its default if the value is not a count."""
    value = props.get("maxNumFiles")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    spec = next(p for p in get_widget_type(FILE_PICKER).properties if p.name == "maxNumFiles")
    return cast(int, spec.default)


def _check_limits(name: str, size: int, content_type: str, props: Mapping[str, Any]) -> None:
    """maxFileSize and allowedFileTypes, checked the way the widget checks picked files."""
    candidate = {"id": "f_new", "name": name, "size": size, "type": content_type, "data": ""}
    try:
        apply_meta_changes(FILE_PICKER, {"files": [candidate]}, props=props)
    except MetaValidationError as error:
        fault = error.errors[0]
        raise Invalid(fault.message, code=fault.code, field="file") from error


def store_picked_file(
    *, user: User, published: PublishedPage, widget: str, upload: UploadedFile
) -> tuple[RuntimeFile, dict[str, Any]]:
    """Check the upload against the widget's limits, store it; the row and widget props."""
    props = file_picker_props(published, widget, user=user)
    # Django's UploadedFile keeps only the base name, cut to 255 characters.
    name = upload.name or "file"
    content_type = content_type_of(upload)
    _check_limits(name, upload.size or 0, content_type, props)
    runtime_file = save_runtime_file(
        user=user,
        application=published.application,
        widget=widget,
        upload=upload,
        name=name,
        content_type=content_type,
        keep=_max_num_files(props),
    )
    return runtime_file, props


def _reference_id(entry: Mapping[str, Any]) -> tuple[str, str]:
    """The stored file's id an entry claims, and the key that claims it."""
    data = entry.get("data")
    if isinstance(data, str) and data.startswith(FILE_REFERENCE_PREFIX):
        return data.removeprefix(FILE_REFERENCE_PREFIX), "data"
    return str(entry.get("id")), "id"


def check_picked_files(
    files: Sequence[Mapping[str, Any]],
    *,
    user: User,
    application: Application,
    data_format: Any,
    path: str = "meta.files",
) -> list[RuntimeFile]:
    """Refuse entries that are not this user's stored files (400); their rows, in order."""
    claimed = [_reference_id(entry) for entry in files]
    rows = {
        row.pk: row
        for row in RuntimeFile.objects.filter(
            pk__in=[file_id for file_id, _ in claimed],
            owner_id=getattr(user, "pk", None),
            application=application,
            expires_at__gt=timezone.now(),
        )
    }
    picked = []
    for index, (entry, (file_id, key)) in enumerate(zip(files, claimed, strict=True)):
        entry_path = f"{path}[{index}]"
        row = rows.get(file_id)
        if row is None:
            raise Invalid(
                "This is not a file you picked in this app, or it has expired; pick it again.",
                code="invalid_file_reference",
                field=f"{entry_path}.{key}",
            )
        expected = picked_file_json(row, data_format)
        for name in ("id", "name", "size", "type"):
            if entry.get(name) != expected[name] or isinstance(entry.get(name), bool):
                raise Invalid(
                    f"{name} does not match the stored file; send the entry files/ answered.",
                    code="file_mismatch",
                    field=f"{entry_path}.{name}",
                )
        if entry.get("data") not in (row.reference, expected["data"]):
            raise Invalid(
                "data must be the file's blob: reference or the content files/ answered.",
                code="invalid_file_reference",
                field=f"{entry_path}.data",
            )
        picked.append(row)
    return picked
