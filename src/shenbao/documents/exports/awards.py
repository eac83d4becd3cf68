"""Exports of a call's awards (one row per award, revoked ones included with their status) and of its
statistics (the staff dashboard's tables, one row per direction, institution, partner country and tier)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from shenbao.agreements.enums import AgreementStatus
from shenbao.applications.enums import PartnerSide
from shenbao.applications.models import Partner
from shenbao.awards.enums import AwardStatus
from shenbao.awards.models import Award
from shenbao.awards.queries.statistics import Row, call_statistics, tier_names
from shenbao.calls.models import Call
from shenbao.core.countries import country_name
from shenbao.core.text import text_get
from shenbao.documents.exports.base import ExportColumn, ExportKind, Filters


def award_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    awards = (
        Award.objects.filter(call=call)
        .select_related("direction", "application__lead_organisation", "application__direction", "agreement")
        .prefetch_related(
            Prefetch(
                "application__partners",
                queryset=Partner.objects.filter(side=PartnerSide.FOREIGN).order_by("pk"),
                to_attr="foreign_partners",
            )
        )
        .order_by("direction__position", "rank", "pk")
    )
    if filters.direction:
        awards = awards.filter(application__direction__code=filters.direction)
    tiers = tier_names(call)
    language = get_language()
    statuses = dict(AwardStatus.choices)
    agreement_statuses = dict(AgreementStatus.choices)
    for award in awards:
        a = award.application
        direction = award.direction or a.direction
        agreement = getattr(award, "agreement", None)
        countries = dict.fromkeys(p.country for p in getattr(a, "foreign_partners", []))
        yield {
            "receipt": a.receipt_number,
            "direction": direction.code if direction else "",
            "direction_title": text_get(direction.title, "zh-hans") if direction else "",
            "title": a.title,
            "organisation": text_get(a.lead_organisation.name, "zh-hans") if a.lead_organisation else "",
            "partner_countries": "; ".join(country_name(c, language) for c in countries),
            "rank": award.rank,
            "tier": text_get(tiers[award.tier], language) if award.tier in tiers else award.tier,
            "amount_yuan": award.amount_yuan,
            "status": str(statuses.get(award.status, award.status)),
            "agreement": str(agreement_statuses.get(agreement.status, agreement.status)) if agreement else "",
        }


DIMENSIONS = {
    "total": _("All applications"),
    "direction": _("Direction"),
    "institution": _("Lead organisation"),
    "country": _("Partner country"),
    "tier": _("Prize tier"),
}


def _statistics_row(dimension: str, row: Row, name: str) -> dict[str, Any]:
    return {
        "dimension": str(DIMENSIONS[dimension]),
        "code": row.key if dimension in ("direction", "country", "tier") else "",
        "name": name,
        "received": row.received,
        "waiting": row.waiting,
        "passed": row.passed,
        "failed": row.failed,
        "withdrawn": row.withdrawn,
        "pass_rate": round(row.pass_rate * 100, 1) if row.pass_rate is not None else None,
        "awards": row.awards,
        "amount_yuan": row.money_yuan,
        "revoked": row.revoked,
    }


def statistics_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    """The whole call's figures (the list filters do not apply: the figures are for the call)."""
    stats = call_statistics(call)
    language = get_language()
    yield _statistics_row("total", stats.total, "")
    for table in stats.tables:
        for row in table.rows:
            if table.code == "country":
                name = country_name(row.key, language)
            elif table.code == "tier":
                name = text_get(row.label, language) if row.label else row.key
            else:
                name = text_get(row.label, "zh-hans") if row.label else "—"
            yield _statistics_row(table.code, row, name)


AWARDS = ExportKind(
    code="awards",
    title=_("Awards"),
    columns=(
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("direction", _("Direction"), 10),
        ExportColumn("direction_title", _("Direction title"), 30),
        ExportColumn("title", _("Project name"), 40),
        ExportColumn("organisation", _("Lead organisation"), 30),
        ExportColumn("partner_countries", _("Partner countries"), 20),
        ExportColumn("rank", _("Rank"), 8),
        ExportColumn("tier", _("Prize tier"), 12),
        ExportColumn("amount_yuan", _("Amount (yuan)"), 16),
        ExportColumn("status", _("Status"), 12),
        ExportColumn("agreement", _("Agreement"), 14),
    ),
    rows=award_rows,
    permission="awards.select",
)

STATISTICS = ExportKind(
    code="statistics",
    title=_("Statistics"),
    columns=(
        ExportColumn("dimension", _("By"), 14),
        ExportColumn("code", _("Code"), 12),
        ExportColumn("name", pgettext_lazy("statistics", "Name"), 36),
        ExportColumn("received", _("Applications received"), 12),
        ExportColumn("waiting", _("Waiting for the formal check"), 12),
        ExportColumn("passed", _("Passed the formal check"), 12),
        ExportColumn("failed", _("Failed the formal check"), 12),
        ExportColumn("withdrawn", _("Withdrawn"), 10),
        ExportColumn("pass_rate", _("Pass rate (%)"), 10),
        ExportColumn("awards", pgettext_lazy("statistics", "Awards"), 10),
        ExportColumn("amount_yuan", _("Amount (yuan)"), 16),
        ExportColumn("revoked", _("Revoked awards"), 10),
    ),
    rows=statistics_rows,
    permission="awards.select",
)
