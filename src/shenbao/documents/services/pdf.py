"""Print-ready PDFs of submitted revisions (WeasyPrint, with the CJK font embedded; ADR 0008).

Every page carries the receipt number, the revision number and the revision's content hash, so a
signed and stamped paper copy can be matched to exactly one stored revision.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from shenbao.applications.models import Application, ApplicationRevision
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.countries import country_name
from shenbao.core.text import text_get
from shenbao.documents.describe import content_values, form_spec
from shenbao.documents.layout.spec import format_value


def _context(revision: ApplicationRevision, language: str, *, blind: bool = False) -> dict[str, Any]:
    application = revision.application
    call = application.call
    definition = current_definition(call)
    spec = form_spec(call=call, definition=definition, direction=application.direction, language=language, application=None)
    values = content_values(revision.content, definition)
    sections: list[dict[str, Any]] = []
    for field in spec.fields:
        if not sections or sections[-1]["title"] != field.section:
            sections.append({"title": field.section, "fields": []})
        value = values.get(field.code)
        sections[-1]["fields"].append(
            {"label": field.label, "text": format_value(field, value, spec.words) if value not in (None, "", []) else ""}
        )
    content = revision.content
    return {
        "call_title": text_get(call.title, language),
        "funder": definition.program.funder.get(language),
        "direction": f"{application.direction.code} {text_get(application.direction.title, language)}"
        if application.direction
        else "",
        "receipt": application.receipt_number or "",
        "revision": revision,
        "sections": sections,
        # Blinded for a stage that hides the applicant: no team, no partner names (their countries
        # stay: the call's rules are about them), no file names, no signature block.
        "team": [] if blind else content.get("team", []),
        "partners": [
            {**p, "name": "" if blind else p["name"], "country_name": country_name(p["country"], language)}
            for p in content.get("partners", [])
        ],
        "attachments": [{**a, "name": "", "link": ""} if blind else a for a in content.get("attachments", [])],
        "declarations": spec.declarations,
        "signatures": [] if blind else spec.signatures,
        "language": language,
        "blind": blind,
    }


def revision_pdf(*, revision: ApplicationRevision, language: str, blind: bool = False) -> bytes:
    """The revision as a PDF; ``blind`` leaves out who applied (for stages that hide identity)."""
    with translation.override(language):
        html = render_to_string("documents/application_pdf.html", _context(revision, language, blind=blind))
    return bytes(HTML(string=html).write_pdf())


def latest_revision(application: Application) -> ApplicationRevision | None:
    return application.revisions.order_by("-number").first()


def pdfs_zip(*, applications: Iterable[Application], language: str, progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF per submitted application (its latest revision), named by receipt number.
    ``progress(n)`` is told after each application (the background task shows it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, application in enumerate(applications, start=1):
            revision = latest_revision(application)
            if revision is not None:
                name = f"{application.receipt_number or application.pk}-r{revision.number}.pdf"
                archive.writestr(name, revision_pdf(revision=revision, language=language))
            if progress is not None:
                progress(done)
    return buffer.getvalue()
