"""Stored files through Django's storage API only (issue 18): local disk or an S3-API object store,
chosen by ``SHENBAO_STORAGE``.  Nothing here or elsewhere opens a path under ``MEDIA_ROOT``.

Downloads are handed over by ``SHENBAO_DOWNLOADS``: ``redirect`` answers a permission-checked view
with a short-lived signed URL of the object store (the file's bytes never pass through the app
server), ``stream`` reads them through the storage and sends them.
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def content_disposition(filename: str) -> str:
    """``attachment`` with a UTF-8 file name (titles and original names may be Chinese)."""
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def signed_download_url(name: str, *, filename: str, content_type: str | None = None) -> str | None:
    """A signed URL that downloads ``name`` under ``filename`` for ``SHENBAO_S3_URL_SECONDS``, or None
    when downloads are streamed.  The store sets the headers a streamed download would carry."""
    if settings.SHENBAO_DOWNLOADS != "redirect":
        return None
    parameters = {
        "ResponseContentDisposition": content_disposition(filename),
        "ResponseContentType": content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
        "ResponseCacheControl": "private, no-store",
    }
    url: str = default_storage.url(name, parameters=parameters)  # type: ignore[call-arg]
    return url


def save_bytes(name: str, data: bytes) -> str:
    """Store ``data`` under ``name`` exactly (for content addressed by its inputs, such as a revision's
    PDF): if another process stored it first, its copy is kept and ours discarded."""
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        default_storage.delete(saved)
    return name


def read_bytes(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


def storage_check() -> None:
    """Raises when the storage cannot be reached (``/readyz``): lists the top level, which needs the
    bucket to exist and the keys to be valid, and writes nothing."""
    try:
        default_storage.listdir("")
    except FileNotFoundError:
        # Local storage before its first file: the folder is made by the first save.  An object store
        # answers a missing bucket with its own error, which is raised.
        if settings.SHENBAO_STORAGE != "local":
            raise
