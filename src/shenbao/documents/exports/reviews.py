"""Exports of a call's reviews (one row per submitted review) and of its rankings (one row per
application per review stage), for program staff."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from shenbao.calls.models import Call, ReviewStage
from shenbao.core.text import text_get
from shenbao.core.timeutil import to_beijing
from shenbao.documents.exports.base import ExportColumn, ExportKind, Filters
from shenbao.reviews.enums import AssignmentStatus, EntryStatus, ReviewState
from shenbao.reviews.messages import flag_texts, reason_text
from shenbao.reviews.models import PanelOpinion, PanelRecommendation, Review, ShortlistSignOff
from shenbao.reviews.queries.ranking import stage_ranking


def _stages(call: Call) -> list[ReviewStage]:
    return [s for s in ReviewStage.objects.filter(call=call).order_by("position") if s.kind != "formal_check"]


def review_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    reviews = (
        Review.objects.filter(
            assignment__stage__call=call, assignment__status=AssignmentStatus.ACTIVE, state=ReviewState.SUBMITTED
        )
        .select_related("assignment__stage", "assignment__application__direction", "assignment__reviewer")
        .order_by("assignment__stage__position", "assignment__application__receipt_number", "submitted_at")
    )
    if filters.direction:
        reviews = reviews.filter(assignment__application__direction__code=filters.direction)
    for r in reviews:
        a = r.assignment
        yield {
            "stage": text_get(a.stage.name, None),
            "receipt": a.application.receipt_number,
            "direction": a.application.direction.code if a.application.direction else "",
            "title": a.application.title,
            "reviewer": a.reviewer.email,
            "scores": "; ".join(f"{code}: {'—' if v is None else v}" for code, v in r.scores.items()),
            "total": r.total,
            "confidence": r.confidence,
            "comment_to_applicant": r.comment_to_applicant,
            "comment_to_staff": r.comment_to_staff,
            "submitted_at": to_beijing(r.submitted_at) if r.submitted_at else None,
        }


def ranking_rows(call: Call, filters: Filters) -> Iterator[dict[str, Any]]:
    flags = flag_texts()
    statuses = dict(EntryStatus.choices)
    recommendations = dict(PanelRecommendation.choices)
    for stage in _stages(call):
        ranking = stage_ranking(stage)
        # The panel opinion and the chair's statement of each list: one query each per stage, not per row.
        opinions = {o.application_id: o for o in PanelOpinion.objects.filter(stage=stage)}
        statements = {
            (s.direction.code if s.direction else ""): s.statement
            for s in ShortlistSignOff.objects.filter(stage=stage).select_related("direction")
        }
        for group, rows in ranking.groups.items():
            if filters.direction and group not in ("", filters.direction):
                continue
            for row in rows:
                yield {
                    "stage": text_get(stage.name, None),
                    "direction": group,
                    "rank": row.ranked.rank,
                    "receipt": row.application.receipt_number,
                    "title": row.application.title,
                    "method": str(ranking.method.value),
                    "score": row.aggregate.value,
                    "mean": row.aggregate.mean,
                    "reviews": row.aggregate.n_reviews,
                    "spread": row.aggregate.spread,
                    "flags": "; ".join(str(flags.get(f, f)) for f in sorted(row.aggregate.flags)),
                    "status": str(statuses.get(row.status, row.status)),
                    "reason": reason_text(row.entry_reason) if row.entry_reason else "",
                    "panel_recommendation": (
                        str(recommendations[opinions[row.application.pk].recommendation])
                        if row.application.pk in opinions
                        else ""
                    ),
                    "panel_opinion": opinions[row.application.pk].opinion if row.application.pk in opinions else "",
                    "chair_statement": statements.get(group, ""),
                }


REVIEWS = ExportKind(
    code="reviews",
    title=_("Reviews"),
    columns=(
        ExportColumn("stage", _("Stage"), 16),
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("direction", _("Direction"), 12),
        ExportColumn("title", _("Project name"), 36),
        ExportColumn("reviewer", _("Reviewer"), 26),
        ExportColumn("scores", _("Scores per criterion"), 40),
        ExportColumn("total", _("Total (0–100)"), 12),
        ExportColumn("confidence", _("Confidence"), 10),
        ExportColumn("comment_to_applicant", _("Comments for the applicant"), 48),
        ExportColumn("comment_to_staff", _("Confidential comments for the committee"), 48),
        ExportColumn("submitted_at", _("Submitted at (Beijing time)"), 20),
    ),
    rows=review_rows,
    permission="reviews.manage_pool",
)

RANKINGS = ExportKind(
    code="rankings",
    title=_("Rankings"),
    columns=(
        ExportColumn("stage", _("Stage"), 16),
        ExportColumn("direction", _("Direction"), 12),
        ExportColumn("rank", _("Rank"), 8),
        ExportColumn("receipt", _("Receipt number"), 18),
        ExportColumn("title", _("Project name"), 36),
        ExportColumn("method", _("Aggregation"), 14),
        ExportColumn("score", _("Score"), 10),
        ExportColumn("mean", _("Mean"), 10),
        ExportColumn("reviews", _("Reviews"), 8),
        ExportColumn("spread", _("Spread"), 8),
        ExportColumn("flags", _("Notes"), 36),
        ExportColumn("status", _("Status"), 12),
        ExportColumn("reason", _("Why"), 36),
        ExportColumn("panel_recommendation", _("Panel's recommendation"), 16),
        ExportColumn("panel_opinion", _("Opinion of the expert panel"), 48),
        ExportColumn("chair_statement", _("Statement of the committee chair"), 36),
    ),
    rows=ranking_rows,
    permission="reviews.manage_pool",
)
