"""Turn uploaded bytes into text: plain text in any common encoding, .docx, .pdf (text layer).

The kind of a file is decided by its content, never by its name (DESIGN §8).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import logging
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from shenbao.core.bounded import Refused, check_docx

MAX_BYTES = 20 * 1024 * 1024

# The most frequent characters of Chinese official documents (simplified; their traditional
# forms are added at first use).
_COMMON = (
    "的一是不了在人有我他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然"
    "没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理"
    "美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少"
    "关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何"
    "更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百"
    "吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即"
    "求品士转量空甚众技轻程告江语英基派满式李息写识极令黄德收党倒未持取设始版双项费支申报指南合作研究单位企业"
)


@lru_cache(maxsize=1)
def _common_characters() -> frozenset[str]:
    from shenbao.guides.parser.normalise import to_traditional

    return frozenset(_COMMON) | frozenset(to_traditional(_COMMON))


class GuideReadError(Exception):
    """A document that cannot be read; ``code`` names the problem for a translated message."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params

    def __reduce__(self) -> tuple[Any, ...]:
        # Read in a child process (core.bounded) and raised again in the parent: keep code and params.
        return (_rebuild_read_error, (self.code, str(self), self.params))


def _rebuild_read_error(code: str, message: str, params: dict[str, Any]) -> GuideReadError:
    return GuideReadError(code, message, **params)


@dataclass(frozen=True)
class SourceDocument:
    text: str
    kind: str  # "text" | "docx" | "pdf"
    encoding: str | None = None
    pages: int | None = None
    notes: list[str] = field(default_factory=list)


# NUL and the other C0 controls mean nothing in a guide, and PostgreSQL refuses NUL in text
# columns: a stray one would make the import answer 500 after the upload was accepted.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def read_document(data: bytes, *, filename: str = "") -> SourceDocument:
    document = _read_any(data)
    text = _CONTROLS.sub("", document.text.replace("\x0c", "\n"))
    if not text.strip():
        raise GuideReadError("empty", "the file is empty")
    return dataclasses.replace(document, text=text) if text != document.text else document


def _read_any(data: bytes) -> SourceDocument:
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
    try:
        return data.decode("utf-8-sig"), "utf-8"  # strict UTF-8 is almost never a false positive
    except UnicodeDecodeError:
        pass
    # GB18030 decodes nearly any bytes, so Big5 text would come out as nonsense: score each
    # reading by how many of the most common Chinese characters it contains.
    candidates: list[tuple[int, str, str]] = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        candidates.append((sum(1 for ch in sample if ch in _common_characters()), encoding, text))
    if not candidates:
        raise GuideReadError("encoding", "the text is in an encoding that cannot be recognised")
    _score, encoding, text = max(candidates, key=lambda c: c[0])
    return text, encoding


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
    try:
        check_docx(data)
    except Refused as exc:
        if exc.code == "corrupt":
            raise GuideReadError("docx_unreadable", "the .docx file is damaged") from exc
        raise GuideReadError("too_complex", "the .docx holds far more than a guide", **exc.context) from exc
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


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repaired ("EOF marker not found") and warns; the reader's own error
    (pdf_unreadable …) says what the person needs to know, so nothing else is printed."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _read_pdf(data: bytes) -> SourceDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with _quiet_pypdf():
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
