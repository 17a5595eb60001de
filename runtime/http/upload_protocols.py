"""The chunked-upload protocols a datasource preset may name, by name.

``upload_protocol(name, threshold_bytes=..., chunk_bytes=...)`` builds one for
the deployment's settings (``runtime.http.upload_sessions`` says what a
protocol does); ``PROTOCOLS`` lists them for the start-up check.
"""

from __future__ import annotations

from collections.abc import Callable

from runtime.http.dropbox_upload_session import DropboxUploadSession
from runtime.http.errors import InvalidActionConfigError
from runtime.http.upload_sessions import ChunkedUpload

__all__ = ["PROTOCOLS", "upload_protocol"]

PROTOCOLS: dict[str, Callable[..., ChunkedUpload]] = {
    DropboxUploadSession.name: DropboxUploadSession,
}


def upload_protocol(name: str, *, threshold_bytes: int, chunk_bytes: int) -> ChunkedUpload:
    """The protocol a preset names, for these settings.

    Raises ``InvalidActionConfigError`` naming ``chunked_upload`` for an
    unknown name, or the setting a protocol refuses.
    """
    factory = PROTOCOLS.get(name)
    if factory is None:
        raise InvalidActionConfigError(
            f"{name!r} is not a chunked-upload protocol", field="chunked_upload"
        )
    return factory(threshold_bytes=threshold_bytes, chunk_bytes=chunk_bytes)
