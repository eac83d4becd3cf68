"""Turn uploaded bytes into text: plain text in any common encoding, .docx, .pdf (text layer).

The kind of a file is decided by its content, never by its name (DESIGN §8).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

MAX_BYTES = 20 * 1024 * 1024

# Tried in order; gb18030 is a superset of GBK and GB2312, big5 covers Taiwanese and Hong Kong files.
_ENCODINGS = ("utf-8-sig", "gb18030", "big5")


class GuideReadError(Exception):
    """A document that cannot be read; ``code`` names the problem for a translated message."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class SourceDocument:
    text: str
    kind: str  # "text" | "docx" | "pdf"
    encoding: str | None = None
    pages: int | None = None
    notes: list[str] = field(default_factory=list)


def read_document(data: bytes, *, filename: str = "") -> SourceDocument:
    if not data:
        raise GuideReadError("empty", "the file is empty")
    if len(data) > MAX_BYTES:
        raise GuideReadError("too_large", "the file is larger than the limit", limit_mb=MAX_BYTES // (1024 * 1024))
    if data.startswith(b"%PDF"):
        return _read_pdf(data)
    if data.startswith(b"PK\x03\x04"):
        return _read_docx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise GuideReadError("legacy_doc", "old Word (.doc) files cannot be read; save the file as .docx")
    return _read_text(data)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes, trying UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030, Big5."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    raise GuideReadError("encoding", "the text is in an encoding that cannot be recognised")


def _read_text(data: bytes) -> SourceDocument:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GuideReadError("unsupported", "this is not a text, .docx or .pdf file")
    text, encoding = decode_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise GuideReadError("empty", "the file is empty")
    return SourceDocument(text=text, kind="text", encoding=encoding)


def _read_docx(data: bytes) -> SourceDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise GuideReadError("unsupported", "this is not a text, .docx or .pdf file")
    except zipfile.BadZipFile as exc:
        raise GuideReadError("unsupported", "this is not a text, .docx or .pdf file") from exc
    import docx  # local: python-docx is only needed for .docx files
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on damaged files
        raise GuideReadError("docx_unreadable", "the .docx file is damaged") from exc
    lines: list[str] = []
    # Paragraphs and tables in document order; a table row becomes one line of cells.
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip().replace("\n", " ")
                    if not cells or cells[-1] != value:  # merged cells repeat their text
                        cells.append(value)
                lines.append(" ".join(c for c in cells if c))
    text = "\n".join(lines)
    if not text.strip():
        raise GuideReadError("empty", "the file is empty")
    return SourceDocument(text=text, kind="docx")


def _read_pdf(data: bytes) -> SourceDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise GuideReadError("pdf_encrypted", "the PDF is protected with a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except GuideReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise GuideReadError("pdf_unreadable", "the PDF file is damaged") from exc
    text = "\n".join(pages)
    if len("".join(text.split())) < 20:
        raise GuideReadError(
            "pdf_no_text",
            "the PDF has no text layer (it is a scan): run it through OCR or upload the text",
            pages=len(pages),
        )
    return SourceDocument(text=text, kind="pdf", pages=len(pages))
