"""Import the partner agency's list for a bilateral call and compare every application with it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from shenbao.applications.bilateral import OurSide, TheirSide, match_submissions
from shenbao.applications.enums import PartnerSide
from shenbao.applications.models import Application, PartnerList
from shenbao.applications.transitions import SUBMITTED_STATES
from shenbao.calls.definition.tables import RowProblem
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action

COLUMNS = ("reference", "english_title", "title", "field", "partner_organisation", "pi", "duration_months", "lead_organisation")


@dataclass(frozen=True)
class BilateralReport:
    compared: int
    matched: int
    with_mismatches: list[dict[str, Any]]
    without_counterpart: list[int]
    unclaimed_rows: list[TheirSide]
    #: Every compared application, in receipt order, as stored on the call's PartnerList.
    applications: list[dict[str, Any]] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        """The report as plain data (what PartnerList.report keeps)."""
        return {
            "compared": self.compared,
            "matched": self.matched,
            "applications": self.applications,
            "unclaimed": [asdict(t) for t in self.unclaimed_rows],
        }


def parse_partner_rows(rows: list[dict[str, str]]) -> tuple[list[TheirSide], list[RowProblem]]:
    problems: list[RowProblem] = []
    if not rows:
        return [], [RowProblem(0, "", "empty_table")]
    missing = [c for c in ("english_title", "pi") if c not in rows[0]]
    problems.extend(RowProblem(1, c, "missing_column") for c in missing)
    if problems:
        return [], problems
    theirs = []
    for i, row in enumerate(rows, start=2):
        months: int | None = None
        if row.get("duration_months"):
            try:
                months = int(row["duration_months"])
            except ValueError:
                problems.append(RowProblem(i, "duration_months", "not_a_number", row["duration_months"]))
                continue
        if not row.get("english_title"):
            problems.append(RowProblem(i, "english_title", "missing"))
            continue
        theirs.append(
            TheirSide(
                row=i,
                reference=row.get("reference", ""),
                english_title=row["english_title"],
                field=row.get("field", ""),
                partner_organisation=row.get("partner_organisation", ""),
                pi=row.get("pi", ""),
                duration_months=months,
                title=row.get("title", ""),
                lead_organisation=row.get("lead_organisation", ""),
            )
        )
    return theirs, problems


def _bilateral_directions(call: Call) -> set[str] | None:
    """Directions with a bilateral-submission rule (None: every direction)."""
    directions: set[str] = set()
    for criterion in current_definition(call).eligibility:
        if criterion.rule.kind == "bilateral_submission":
            if not criterion.directions:
                return None
            directions |= set(criterion.directions)
    return directions


def _our_side(application: Application) -> OurSide:
    person = getattr(application.applicant, "person", None)
    return OurSide(
        key=application.pk,
        english_title=application.english_title,
        fields=tuple(application.fields),
        partner_organisations=tuple(p.name for p in application.partners.all() if p.side == PartnerSide.FOREIGN),
        pi_names=(person.name, person.name_en) if person is not None else (),
        duration_months=application.duration_months,
        title=application.title,
        lead_organisation=tuple(application.lead_organisation.name.values()) if application.lead_organisation else (),
    )


def _direction_code(application: Application) -> str:
    return application.direction.code if application.direction is not None else ""


@transaction.atomic
def compare_with_partner_list(*, call: Call, rows: list[TheirSide], actor: Any = None, source: str = "") -> BilateralReport:
    """Store, on every submitted application of a bilateral direction, what its counterpart says."""
    directions = _bilateral_directions(call)
    applications = list(
        Application.objects.filter(call=call, state__in=SUBMITTED_STATES)
        .select_related("direction", "applicant__person", "lead_organisation")
        .prefetch_related("partners")
        .select_for_update(of=("self",))
    )
    if directions is not None:
        applications = [a for a in applications if a.direction and a.direction.code in directions]
    ours = [_our_side(a) for a in applications]
    matches, unclaimed = match_submissions(ours, rows)
    by_id = {a.pk: a for a in applications}
    now = timezone.now().isoformat()
    for m in matches:
        application = by_id[m.application]
        application.bilateral = {
            "found": m.counterpart is not None,
            "counterpart": m.counterpart.reference if m.counterpart else None,
            "row": m.counterpart.row if m.counterpart else None,
            "mismatches": list(m.mismatches),
            "details": {k: list(v) for k, v in m.details.items()},
            "compared_at": now,
            "source": source,
        }
        application.save(update_fields=["bilateral", "updated_at"])
    log_action(
        action="shenbao.call.partner_list_compared",
        obj=call,
        actor=actor,
        data={"source": source, "rows": len(rows), "compared": len(matches), "unclaimed": [t.row for t in unclaimed]},
    )
    entries = [
        {
            "application": m.application,
            "receipt": by_id[m.application].receipt_number,
            "title": by_id[m.application].title,
            "english_title": by_id[m.application].english_title,
            "direction": _direction_code(by_id[m.application]),
            "found": m.counterpart is not None,
            "reference": m.counterpart.reference if m.counterpart else "",
            "row": m.counterpart.row if m.counterpart else None,
            "fields": list(m.mismatches),
            "details": {k: list(v) for k, v in m.details.items()},
        }
        for m in matches
    ]
    entries.sort(key=lambda e: (e["receipt"], e["application"]))
    return BilateralReport(
        applications=entries,
        compared=len(matches),
        matched=sum(1 for m in matches if m.counterpart is not None),
        with_mismatches=[
            {
                "application": m.application,
                "receipt": by_id[m.application].receipt_number,
                "fields": list(m.mismatches),
                "details": m.details,
            }
            for m in matches
            if m.mismatches
        ],
        without_counterpart=[m.application for m in matches if m.counterpart is None],
        unclaimed_rows=unclaimed,
    )


def rows_as_data(rows: list[TheirSide]) -> list[dict[str, Any]]:
    return [asdict(t) for t in rows]


def rows_from_data(data: list[dict[str, Any]]) -> list[TheirSide]:
    return [TheirSide(**row) for row in data]


@transaction.atomic
def import_partner_list(*, call: Call, rows: list[TheirSide], actor: Any, source: str = "") -> PartnerList:
    """Keep the partner agency's list as the call's current one and compare every application with it."""
    report = compare_with_partner_list(call=call, rows=rows, actor=actor, source=source)
    now = timezone.now()
    stored, created = PartnerList.objects.update_or_create(
        call=call,
        defaults={
            "source": source[-255:],
            "rows": rows_as_data(rows),
            "report": report.as_data(),
            "imported_by": actor,
            "imported_at": now,
            "compared_at": now,
        },
    )
    log_action(
        action="shenbao.call.partner_list_imported",
        obj=call,
        actor=actor,
        data={"source": source, "rows": len(rows), "replaced": not created},
    )
    return stored


@transaction.atomic
def compare_again(*, partner_list: PartnerList, actor: Any) -> PartnerList:
    """Compare the kept list again (applications submitted or amended since the import)."""
    locked = PartnerList.objects.select_for_update().select_related("call").get(pk=partner_list.pk)
    report = compare_with_partner_list(call=locked.call, rows=rows_from_data(locked.rows), actor=actor, source=locked.source)
    locked.report = report.as_data()
    locked.compared_at = timezone.now()
    locked.save(update_fields=["report", "compared_at"])
    return locked
