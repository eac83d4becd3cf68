"""Export of a bilateral call's comparison with the partner agency's list (the last one imported):
one row per difference, per application without counterpart and per unclaimed partner row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from shenbao.applications.labels import MATCH_STATUS_LABELS, MISMATCH_LABELS, match_status
from shenbao.applications.queries.bilateral import partner_list_of
from shenbao.calls.models import Call
from shenbao.documents.exports.base import ExportColumn, ExportKind, Filters


def bilateral_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    stored = partner_list_of(call)
    if stored is None:
        return
    for entry in stored.report.get("applications", []):
        if filters.direction and entry.get("direction") != filters.direction:
            continue
        status = match_status(entry)
        base = {
            "receipt": entry.get("receipt", ""),
            "direction": entry.get("direction", ""),
            "title": entry.get("title", ""),
            "english_title": entry.get("english_title", ""),
            "status": str(MATCH_STATUS_LABELS[status]),
            "reference": entry.get("reference", ""),
            "row": entry.get("row"),
            "field": "",
            "ours": "",
            "theirs": "",
        }
        if status != "differs":
            yield base
            continue
        for name in entry["fields"]:
            ours, theirs = entry["details"].get(name, ["", ""])
            yield {**base, "field": str(MISMATCH_LABELS.get(name, name)), "ours": ours, "theirs": theirs}
    if filters.direction:
        return  # a partner row has no direction of ours
    for row in stored.report.get("unclaimed", []):
        yield {
            "receipt": "",
            "direction": "",
            "title": row.get("title", ""),
            "english_title": row.get("english_title", ""),
            "status": str(MATCH_STATUS_LABELS["unclaimed"]),
            "reference": row.get("reference", ""),
            "row": row.get("row"),
            "field": "",
            "ours": "",
            "theirs": "",
        }


BILATERAL = ExportKind(
    code="bilateral",
    title=_("Comparison with the partner's list"),
    columns=(
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("direction", _("Direction"), 10),
        ExportColumn("title", _("Project name"), 36),
        ExportColumn("english_title", _("English title"), 40),
        ExportColumn("status", _("Outcome"), 28),
        ExportColumn("reference", _("Partner reference"), 16),
        ExportColumn("row", _("Partner row"), 8),
        ExportColumn("field", _("Field compared"), 18),
        ExportColumn("ours", _("Our value"), 36),
        ExportColumn("theirs", _("Partner's value"), 36),
    ),
    rows=bilateral_rows,
    permission="applications.compare_partner_list",
)
