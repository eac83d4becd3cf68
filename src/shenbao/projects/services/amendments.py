"""The change approval record (变更批复): a Word document generated for every project change that takes
effect (approved by staff, or at once under the call's ``reallocation_without_approval_percent``).

The agreement's text (任务书) is fixed once a party confirmed it, so after a change of PI, institution,
budget or term it still reads as signed; the amendment documents the change: the agreement and project
it belongs to, the kind, the before and after, the PI's reason and the decision with who decided and
when (Beijing time).  Numbered 1, 2, 3 … per agreement, stored with its SHA-256 in the project's storage
like the agreement text.  Written in Chinese, as the agreement text is.

``decide_change`` takes the ``snapshot`` before it applies the change and calls ``generate_amendment``
after, inside its transaction: the project row it locks serialises the numbering."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models import Max

from shenbao.accounts.models import User
from shenbao.agreements.services.agreements import agreement_terms
from shenbao.agreements.services.budget import approved_table
from shenbao.calls.definition.budget import FundingSource, format_amount, unit_label
from shenbao.core.audit import log_action
from shenbao.core.text import text_get
from shenbao.core.timeutil import to_beijing
from shenbao.projects.enums import ChangeKind
from shenbao.projects.models import Amendment, ChangeRequest, Project

#: The kinds as the document names them.
KIND_TITLES = {
    ChangeKind.PI: "项目负责人变更",
    ChangeKind.INSTITUTION: "承担单位变更",
    ChangeKind.BUDGET: "预算调剂",
    ChangeKind.EXTENSION: "项目延期",
}
NO_BUDGET = "（未核定预算）"


@dataclass(frozen=True)
class Snapshot:
    """What a change may alter, as the document prints it."""

    pi_name: str
    pi_email: str
    institution: str
    budget: tuple[tuple[str, str, str, bool], ...]  # (line code, label, grant, sub-line), the total last
    end_date: dt.date


def person_name(user: User) -> str:
    """A person as the document names them: their profile's name (as the agreement text prints the PI),
    else their display name, else the e-mail."""
    person = getattr(user, "person", None)
    return person.name if person is not None and person.name else (user.display_name or user.email)


def _budget(project: Project) -> tuple[tuple[str, str, str, bool], ...]:
    approved = approved_table(project.agreement)
    if approved is None:
        return ()
    field, table = approved
    decimals = field.budget_spec.decimals
    unit = unit_label(table.unit, "zh-hans")
    grant = FundingSource.GRANT.value
    rows = [
        (r.code, r.label.get("zh-hans"), f"{format_amount(r.amounts.get(grant, Decimal(0)), decimals)} {unit}", r.subline)
        for r in table.rows
    ]
    rows.append(("", "合计", f"{format_amount(table.column_totals.get(grant, Decimal(0)), decimals)} {unit}", False))
    return tuple(rows)


def snapshot(project_id: int) -> Snapshot:
    """The project's PI, institution, approved budget and end as stored now (read again from the
    database: the change's own steps save them through other instances)."""
    project = Project.objects.select_related(
        "agreement__award__call", "agreement__award__application__applicant", "agreement__award__application__lead_organisation"
    ).get(pk=project_id)
    application = project.agreement.award.application
    org = application.lead_organisation
    return Snapshot(
        pi_name=person_name(application.applicant),
        pi_email=application.applicant.email,
        institution=org.display_name("zh-hans") if org is not None else "—",
        budget=_budget(project),
        end_date=project.end_date,
    )


def _rows(kind: str, before: Snapshot, after: Snapshot) -> list[tuple[str, str, str]]:
    """The before-and-after table's rows (item, before, after) for the kind of change."""
    if kind == ChangeKind.PI:
        return [("项目负责人", before.pi_name, after.pi_name), ("电子邮箱", before.pi_email, after.pi_email)]
    if kind == ChangeKind.INSTITUTION:
        return [("承担单位", before.institution, after.institution)]
    if kind == ChangeKind.EXTENSION:
        return [("执行期结束日期", before.end_date.isoformat(), after.end_date.isoformat())]
    if not before.budget and not after.budget:
        return [("核定预算", NO_BUDGET, NO_BUDGET)]
    olds = {code: amount for code, _label, amount, _sub in before.budget}
    news = {code: amount for code, _label, amount, _sub in after.budget}
    return [
        (("    " if sub else "") + label, olds.get(code, NO_BUDGET), news.get(code, NO_BUDGET))
        for code, label, _amount, sub in (after.budget or before.budget)
    ]


def _moment(value: dt.datetime) -> str:
    return f"{to_beijing(value):%Y-%m-%d %H:%M}（北京时间）"


def render(change: ChangeRequest, number: int, before: Snapshot, after: Snapshot) -> bytes:
    """The amendment as a Word document."""
    import docx

    project = change.project
    award = project.agreement.award
    application = award.application
    document = docx.Document()
    document.add_heading("项目变更批复", level=1)
    decided_at = change.decided_at
    assert decided_at is not None
    for line in (
        f"批复编号：第 {number} 号",
        f"指南：{text_get(award.call.title, 'zh-hans')}",
        f"受理编号：{application.receipt_number or '—'}",
        f"项目名称：{project.title}",
        f"任务书 SHA-256：{project.agreement.text_sha256 or '（未生成）'}",
        f"变更类型：{KIND_TITLES[ChangeKind(change.kind)]}",
    ):
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("事项", "变更前", "变更后"), strict=True):
        cell.text = text
    for row in _rows(change.kind, before, after):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    if change.kind == ChangeKind.BUDGET:
        document.add_paragraph("（核定预算：国拨经费，按预算科目列示）")
    requester = person_name(change.requested_by) if change.requested_by is not None else "—"
    if change.decided_by is not None:
        decider = person_name(change.decided_by)
    else:
        terms = agreement_terms(award.call)
        percent = terms.reallocation_without_approval_percent if terms is not None else 0
        decider = f"无需审批：调剂不超过国拨经费的 {percent}%，依指南条款自动生效"
    for line in (
        f"变更理由：{change.reason}",
        f"申请人：{requester}；申请时间：{_moment(change.requested_at)}",
        "批复决定：同意变更",
        f"批复意见：{change.decision_note or '—'}",
        f"批复人：{decider}",
        f"批复时间：{_moment(decided_at)}",
    ):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def generate_amendment(*, change: ChangeRequest, before: Snapshot, actor: User | None) -> Amendment:
    """The next amendment of the change's agreement, for an approved change that has taken effect."""
    project = change.project
    agreement = project.agreement
    number = (Amendment.objects.filter(agreement=agreement).aggregate(last=Max("number"))["last"] or 0) + 1
    data = render(change, number, before, snapshot(project.pk))
    assert change.decided_at is not None
    amendment = Amendment(agreement=agreement, change=change, number=number, created_at=change.decided_at)
    amendment.file.save("amendment.docx", ContentFile(data), save=False)
    amendment.sha256 = hashlib.sha256(data).hexdigest()
    amendment.save()
    log_action(
        action="shenbao.project.amendment_generated",
        obj=agreement.award.application,
        actor=actor,
        data={"change": change.pk, "kind": change.kind, "number": number, "sha256": amendment.sha256},
    )
    return amendment
