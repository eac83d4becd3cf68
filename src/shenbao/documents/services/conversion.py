"""Word documents as PDF for reading in the page, where the machine has a converter (LibreOffice).

The converted PDF is stored once per file content (its SHA-256), so a document read by five
reviewers is converted once.  Without a converter the page says so and offers the download."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

from shenbao.applications.models import Attachment
from shenbao.core.storage import read_bytes, save_bytes

#: Formats the converter turns into PDF.
WORD_FORMATS = frozenset({"doc", "docx"})
TIMEOUT_SECONDS = 120


def word_converter() -> str | None:
    """The LibreOffice executable (``SHENBAO_SOFFICE`` or ``soffice``/``libreoffice`` on the PATH), or None."""
    configured: str = settings.SHENBAO_SOFFICE
    for candidate in (configured, "soffice", "libreoffice"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def attachment_format(attachment: Attachment) -> str:
    """The file's format as detected at upload, else from its name's ending."""
    if attachment.detected_format:
        return attachment.detected_format.lower()
    return Path(attachment.original_name or attachment.file.name or "").suffix.lower().lstrip(".")


def converted_pdf_name(attachment: Attachment) -> str | None:
    """The storage name of the attachment's PDF conversion, converting it on first use; None when no
    converter is available or the conversion fails."""
    if attachment_format(attachment) not in WORD_FORMATS or not attachment.sha256:
        return None
    name = f"reading/{attachment.sha256}.pdf"
    if default_storage.exists(name):
        return name
    converter = word_converter()
    if converter is None:
        return None
    suffix = "." + attachment_format(attachment)
    with tempfile.TemporaryDirectory(prefix="shenbao-convert-") as work:
        source = Path(work) / f"document{suffix}"
        source.write_bytes(read_bytes(attachment.file.name))
        try:
            subprocess.run(  # noqa: S603 - a fixed executable and our own temporary paths
                [converter, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", work, str(source)],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                env={"HOME": work, "PATH": "/usr/bin:/bin"},
            )
        except (subprocess.SubprocessError, OSError):
            return None
        produced = Path(work) / "document.pdf"
        if not produced.exists():
            return None
        return save_bytes(name, produced.read_bytes())
