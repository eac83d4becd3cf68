"""Recognise an uploaded file by its content, not its name (DESIGN §8). Pure: bytes in, verdict out."""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

#: Unpacked size above which an archive is treated as a zip bomb.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200


#: The media type a download of each recognised format is served with.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
    "zip": "application/zip",
}


@dataclass(frozen=True)
class Sniffed:
    format: str | None  # one of calls.definition.schema.FileFormat, or None when unknown
    problem: str | None = None  # "macros", "zip_bomb", "corrupt"


def _zip_kind(stream: IO[bytes], size: int) -> Sniffed:
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            unpacked = sum(i.file_size for i in infos)
            if unpacked > MAX_UNPACKED_BYTES or (size and unpacked / max(size, 1) > MAX_RATIO):
                return Sniffed(None, "zip_bomb")
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return Sniffed(None, "macros")
            if "word/document.xml" in names:
                return Sniffed("docx")
            if "xl/workbook.xml" in names:
                return Sniffed("xlsx")
            return Sniffed("zip")
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return Sniffed(None, "corrupt")


def sniff(stream: IO[bytes], size: int) -> Sniffed:
    """What the file really is.  ``stream`` is rewound before returning."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return Sniffed("pdf")
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(stream, size)
        if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            return Sniffed("doc")
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return Sniffed("png")
        if head.startswith(b"\xff\xd8\xff"):
            return Sniffed("jpg")
        if head[4:8] == b"ftyp":
            return Sniffed("mp4")
        if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
            return Sniffed("mp3")
        return Sniffed(None)
    finally:
        stream.seek(0)


def stored_name(folder: str, fmt: str | None) -> str:
    """Where an upload is kept: a generated name (never the sender's, which may hold paths, odd
    characters or a misleading extension) with the extension of the format its content was
    recognised as; ``bin`` when not recognised."""
    extension = fmt if fmt in MEDIA_TYPES else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"


def extension_of(filename: str) -> str | None:
    """The recognised format a service named the file with (``evidence.pdf`` → ``pdf``), else None."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return extension if extension in MEDIA_TYPES else None


def sniff_bytes(data: bytes) -> Sniffed:
    return sniff(io.BytesIO(data), len(data))
