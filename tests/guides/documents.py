"""Build .docx and .pdf versions of a guide's text in the tests (no files are checked in)."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import opencc

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = {
    "000": "000_d0038f78b6cf3edb.txt",
    "001": "001_513d2ab4ed1ea53d.txt",
    "003": "003_a7087ae94b46a538.txt",
    "004": "004_a86f029c540eebd3.txt",
}


def seed_text(seed: str) -> str:
    return (FIXTURES / SEEDS[seed]).read_text(encoding="utf-8")


def traditional(text: str) -> str:
    return str(opencc.OpenCC("s2t").convert(text))


def make_docx(lines: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_pdf(lines: list[str] | None, *, lines_per_page: int = 40) -> bytes:
    """A PDF whose pages carry ``lines`` as a text layer (the standard Chinese font STSong-Light,
    not embedded, UCS-2 encoded); ``None`` gives a page with only a drawing (a scan has no text)."""
    pages: list[bytes] = []
    if lines is None:
        pages.append(b"0.5 g 72 72 400 600 re f")
    else:
        for start in range(0, max(len(lines), 1), lines_per_page):
            ops = [b"BT /F1 10 Tf 14 TL 40 800 Td"]
            for line in lines[start : start + lines_per_page]:
                ops.append(b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*")
            ops.append(b"ET")
            pages.append(b"\n".join(ops))
    n_pages = len(pages)
    # 1 catalog, 2 pages, 3 font, 4 descendant font, then page + content pairs
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(n_pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor << /Type /FontDescriptor "
        b"/FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >> >>",
    ]
    for i, content in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {6 + 2 * i} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
    return _pdf(objects)
