"""Fill a 申报表 the way an applicant does in Word: type into the cell next to each label."""

from __future__ import annotations

import io
from typing import Any

from docx import Document

from shenbao.documents.layout.spec import FormSpec, normalise_label


def fill_docx(data: bytes, spec: FormSpec, texts: dict[str, str]) -> bytes:
    """``data`` with ``texts`` (field code → what the applicant types) written into the value cells."""
    document = Document(io.BytesIO(data))
    by_label = {normalise_label(f.label): f.code for f in spec.fields}
    for table in document.tables:
        rows = [list({id(c._tc): c for c in row.cells}.values()) for row in table.rows]
        for r, cells in enumerate(rows):
            code = by_label.get(normalise_label(cells[0].paragraphs[0].text))
            if code not in texts:
                continue
            target = cells[1] if len(cells) > 1 else rows[r + 1][0]
            target.text = texts[code]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def tick(spec: FormSpec, code: str, *labels: str) -> str:
    """A choice cell with ``labels`` ticked, as Word users do (☐ → ☑)."""
    field = next(f for f in spec.fields if f.code == code)
    return "  ".join(("☑ " if c.label in labels else "☐ ") + c.label for c in field.choices)


def docx_with(parts: dict[str, Any]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()
