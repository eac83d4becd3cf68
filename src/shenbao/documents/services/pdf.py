"""Print-ready PDFs of submitted revisions (WeasyPrint, with the CJK font embedded; ADR 0008).

Every page carries the receipt number, the revision number and the revision's content hash, so a
signed and stamped paper copy can be matched to exactly one stored revision.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML

from shenbao.applications.models import Application, ApplicationRevision
from shenbao.calls.definition.schema import FieldType
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.countries import country_name
from shenbao.core.storage import read_bytes, save_bytes
from shenbao.core.text import text_get
from shenbao.documents.describe import content_values, form_spec
from shenbao.documents.layout.spec import format_value, grid_display


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
        if field.budget is not None:
            sections[-1]["fields"].append({"label": field.label, "budget": grid_display(field.budget, value)})
            continue
        sections[-1]["fields"].append(
            {"label": field.label, "text": format_value(field, value, spec.words) if value not in (None, "", []) else ""}
        )
    content = revision.content
    # File fields are no part of the Word form; the PDF names what was uploaded for each, in its
    # section (or under "Files"), as the other fields show their values.
    direction = application.direction.code if application.direction else None
    for form_field in definition.form:
        if form_field.type != FieldType.FILE or (form_field.directions and direction not in form_field.directions):
            continue
        title = form_field.section.get(language) if form_field.section else str(_("Files"))
        names = [
            "" if blind else (a.get("name") or a.get("link") or "")
            for a in content.get("attachments", [])
            if a.get("document") == form_field.code
        ]
        text = ", ".join(n for n in names if n) or (str(_("(file withheld)")) if names else "")
        section = next((x for x in sections if x["title"] == title), None)
        if section is None:
            section = {"title": title, "fields": []}
            sections.append(section)
        section["fields"].append({"label": form_field.label.get(language), "text": text})
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


def _revision_html(revision: ApplicationRevision, language: str, blind: bool) -> str:
    with translation.override(language):
        return render_to_string("documents/application_pdf.html", _context(revision, language, blind=blind))


def revision_pdf(*, revision: ApplicationRevision, language: str, blind: bool = False) -> bytes:
    """The revision as a PDF; ``blind`` leaves out who applied (for stages that hide identity)."""
    return bytes(HTML(string=_revision_html(revision, language, blind)).write_pdf())


def stored_revision_pdf(*, revision: ApplicationRevision, language: str, blind: bool = False) -> str:
    """The storage name of the revision's PDF, rendered and stored on the first ask (issue 18).

    The name carries the hash of the page the PDF is printed from: the same revision, language and
    blinding under the same call definition and layout is printed once (a PDF takes 0.3-0.7 s), on
    whichever app server asks first; anything that changes the page gives a new name."""
    html = _revision_html(revision, language, blind)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32]
    name = f"pdfs/{revision.application_id}/r{revision.number}-{language}{'-blind' if blind else ''}-{digest}.pdf"
    if not default_storage.exists(name):
        save_bytes(name, bytes(HTML(string=html).write_pdf()))
    return name


def latest_revision(application: Application) -> ApplicationRevision | None:
    return application.revisions.order_by("-number").first()


def pdfs_zip(*, applications: Iterable[Application], language: str, progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF per submitted application (its latest revision), named by receipt number; each PDF
    is the stored one, printed now only when it was not yet.  ``progress(n)`` is told after each
    application (the background task shows it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, application in enumerate(applications, start=1):
            revision = latest_revision(application)
            if revision is not None:
                name = f"{application.receipt_number or application.pk}-r{revision.number}.pdf"
                archive.writestr(name, read_bytes(stored_revision_pdf(revision=revision, language=language)))
            if progress is not None:
                progress(done)
    return buffer.getvalue()
