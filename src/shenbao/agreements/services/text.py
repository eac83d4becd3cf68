"""The agreement's text (任务书), generated from the call's Word template (or a plain default) with the
parties, the project, the awarded amount, the KPI targets and the call's terms.  The generated file's
SHA-256 is what every on-line confirmation refers to: a party confirms the text they were shown, and
the text cannot be generated again once any party has confirmed it.

Placeholders are written in the template as ``{{name}}`` (see ``PLACEHOLDERS``); a paragraph holding
one is rewritten as plain text in the formatting of its first run."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from typing import IO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.agreements.errors import AgreementTextError
from shenbao.agreements.models import Agreement, AgreementTemplate
from shenbao.agreements.transitions import OPEN_STATES
from shenbao.calls.definition.budget import format_amount, unit_label
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.text import text_get

#: What a template may use, each with what it becomes.
PLACEHOLDERS = {
    "call_title": _("The call's title"),
    "funder": _("The funder (the call's program)"),
    "receipt_number": _("Receipt number"),
    "project_title": _("Project name"),
    "pi_name": _("The PI's name"),
    "pi_email": _("The PI's e-mail"),
    "institution": _("The lead institution"),
    "amount_yuan": _("The amount awarded, in yuan"),
    "amount_wan": _("The amount awarded, in 10,000 yuan (万元)"),
    "approved_budget": _("The approved budget: the grant per category, one a line"),
    "kpis": _("The KPI targets, one a line"),
    "terms": _("The call's terms: IP ownership and notes"),
    "date": _("The day the text is generated"),
}
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _open_docx(data: bytes):  # type: ignore[no-untyped-def]
    import docx

    return docx.Document(io.BytesIO(data))


def default_template() -> bytes:
    """A plain template for a call that has none: every placeholder once."""
    import docx

    document = docx.Document()
    document.add_heading("项目任务书", level=1)
    for line in (
        "指南：{{call_title}}",
        "资助方：{{funder}}",
        "受理编号：{{receipt_number}}",
        "项目名称：{{project_title}}",
        "项目负责人：{{pi_name}}（{{pi_email}}）",
        "承担单位：{{institution}}",
        "资助金额：{{amount_yuan}} 元（{{amount_wan}} 万元）",
        "核定预算：",
        "{{approved_budget}}",
        "考核指标：",
        "{{kpis}}",
        "条款：",
        "{{terms}}",
        "生成日期：{{date}}",
    ):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _kpi_lines(agreement: Agreement) -> list[str]:
    definition = current_definition(agreement.award.call)
    application = agreement.award.application
    per_direction = {d.code: d.kpis for d in definition.directions}
    direction = application.direction.code if application.direction else ""
    codes = per_direction.get(direction, []) if any(per_direction.values()) else [k.code for k in definition.kpi_templates]
    lines = []
    for k in definition.kpi_templates:
        if k.code in codes:
            lines.append(f"{k.name.get('zh-hans')} {k.comparator} {k.target:g} {k.unit.get('zh-hans')}")
    return lines or ["（本指南未设考核指标）"]


def _budget_lines(agreement: Agreement) -> list[str]:
    """The approved table's grant per category (sub-lines indented) and its total, in the call's unit."""
    from shenbao.agreements.services.budget import approved_table

    approved = approved_table(agreement)
    if approved is None:
        return ["（未核定预算）"]
    field, table = approved
    decimals = field.budget_spec.decimals
    unit = unit_label(table.unit, "zh-hans")
    lines = []
    for r in table.rows:
        amount = format_amount(r.amounts.get("grant", Decimal(0)), decimals)
        lines.append(f"{'    ' if r.subline else ''}{r.label.get('zh-hans')}：{amount} {unit}")
    lines.append(f"合计：{format_amount(table.column_totals.get('grant', Decimal(0)), decimals)} {unit}")
    return lines


def _values(agreement: Agreement, today: dt.date) -> dict[str, str]:
    call = agreement.award.call
    application = agreement.award.application
    terms = current_definition(call).agreement
    amount = agreement.award.amount_yuan
    term_lines = []
    if terms is not None and terms.ip_ownership is not None:
        term_lines.append(f"知识产权：{terms.ip_ownership.get('zh-hans')}")
    if terms is not None:
        term_lines += [n.get("zh-hans") for n in terms.notes]
    person = getattr(application.applicant, "person", None)
    return {
        "call_title": text_get(call.title, "zh-hans"),
        "funder": text_get(call.program.name, "zh-hans"),
        "receipt_number": application.receipt_number or "",
        "project_title": application.title,
        "pi_name": (person.name if person is not None and person.name else application.applicant.email),
        "pi_email": application.applicant.email,
        "institution": application.lead_organisation.display_name("zh-hans") if application.lead_organisation else "",
        "amount_yuan": f"{amount:,}" if amount is not None else "",
        "amount_wan": f"{amount / 10_000:g}" if amount is not None else "",
        "approved_budget": "\n".join(_budget_lines(agreement)),
        "kpis": "\n".join(_kpi_lines(agreement)),
        "terms": "\n".join(term_lines) or "（见指南）",
        "date": today.isoformat(),
    }


def fill(template: bytes, values: dict[str, str]) -> bytes:
    """The template with every ``{{name}}`` replaced, in body paragraphs and table cells."""
    document = _open_docx(template)
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    for paragraph in paragraphs:
        text = paragraph.text
        if "{{" not in text:
            continue
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        runs = paragraph.runs
        if not runs:
            continue
        runs[0].text = text  # "\n" becomes a line break
        for run in runs[1:]:
            run.text = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@transaction.atomic
def upload_template(*, call: Call, stream: IO[bytes], actor: User) -> AgreementTemplate:
    """Staff upload the call's agreement template: a Word (.docx) file that opens as one."""
    data = stream.read(TEMPLATE_MAX_BYTES + 1)
    if len(data) > TEMPLATE_MAX_BYTES:
        raise AgreementTextError(_("The template is larger than 5 MB."))
    try:
        _open_docx(data)
    except Exception:  # python-docx raises several kinds for a file that is not a Word document
        raise AgreementTextError(_("The template has to be a Word (.docx) file.")) from None
    template = AgreementTemplate.objects.filter(call=call).first() or AgreementTemplate(call=call)
    template.uploaded_by = actor
    template.file.save("template.docx", ContentFile(data), save=False)
    template.save()
    log_action(action="shenbao.agreement.template_uploaded", obj=call, actor=actor, data={"bytes": len(data)})
    return template


@transaction.atomic
def generate_text(*, agreement: Agreement, actor: User, now: dt.datetime | None = None) -> Agreement:
    """The agreement's text from the call's template (the default one where the call has none), stored
    with its SHA-256.  Refused once any party confirmed or the agreement is no longer open."""
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("award__call__program", "award__application__applicant", "award__application__lead_organisation")
        .get(pk=agreement.pk)
    )
    if locked.status not in OPEN_STATES or any(
        (locked.pi_confirmed_at, locked.institution_confirmed_at, locked.funder_confirmed_at)
    ):
        raise AgreementTextError(_("The text is fixed once a party has confirmed the agreement."))
    now = now or timezone.now()
    template = AgreementTemplate.objects.filter(call=locked.award.call).first()
    if template is not None:
        with template.file.open("rb") as handle:
            source = handle.read()
    else:
        source = default_template()
    data = fill(source, _values(locked, timezone.localdate(now)))
    locked.text.save("agreement.docx", ContentFile(data), save=False)
    locked.text_sha256 = hashlib.sha256(data).hexdigest()
    locked.text_generated_at = now
    locked.save(update_fields=["text", "text_sha256", "text_generated_at"])
    log_action(
        action="shenbao.agreement.text_generated",
        obj=locked.award.application,
        actor=actor,
        data={"sha256": locked.text_sha256, "template": "call" if template is not None else "default"},
    )
    return locked
