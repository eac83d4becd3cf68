"""What a reviewer sees when bidding (titles and abstracts, identity hidden where the stage hides it),
and the bids the assignment and the staff read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import translation

from shenbao.calls.definition.schema import FieldType
from shenbao.calls.models import ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.text import text_get
from shenbao.reviews.enums import EntryStatus, PoolStatus
from shenbao.reviews.models import Bid, PoolMember, StageEntry
from shenbao.reviews.queries.stages import stage_definition

ABSTRACT_CHARS = 800


@dataclass(frozen=True)
class BiddingRow:
    application_id: int
    receipt_number: str
    title: str
    english_title: str
    direction: str
    fields: list[str]
    abstract: str
    applicant: str | None  # None where the stage hides the applicant's identity
    lead_organisation: str | None
    bid: str
    reason: str


def bidding_stages_for(user: Any) -> list[ReviewStage]:
    """Stages with applications in review in the calls whose pool ``user`` accepted."""
    if not getattr(user, "is_authenticated", False):
        return []
    calls = PoolMember.objects.filter(user=user, status=PoolStatus.ACCEPTED).values("call_id")
    return list(
        ReviewStage.objects.filter(call_id__in=calls, entries__status=EntryStatus.IN_REVIEW)
        .distinct()
        .select_related("call")
        .order_by("call__code", "position")
    )


def bidding_rows(stage: ReviewStage, reviewer: Any) -> list[BiddingRow]:
    """The stage's applications in review as a bidding reviewer may see them, with their own bids."""
    language = translation.get_language()
    definition = current_definition(stage.call)
    hidden = stage_definition(stage).applicant_identity_hidden
    # The abstract: the form's long texts (not those bound to the application's own columns).
    long_texts = [f.code for f in definition.form if f.type == FieldType.TEXTAREA and f.binds is None]
    bids = {b.application_id: b for b in Bid.objects.filter(stage=stage, reviewer=reviewer)}
    entries = (
        StageEntry.objects.filter(stage=stage, status=EntryStatus.IN_REVIEW)
        .select_related("application__direction", "application__applicant", "application__lead_organisation")
        .order_by("application__receipt_number", "application_id")
    )
    rows = []
    for entry in entries:
        application = entry.application
        values = application.values or {}
        abstract = "\n".join(str(values[c]) for c in long_texts if isinstance(values.get(c), str) and values[c].strip())
        if len(abstract) > ABSTRACT_CHARS:
            abstract = abstract[:ABSTRACT_CHARS].rstrip() + "…"
        bid = bids.get(application.pk)
        rows.append(
            BiddingRow(
                application_id=application.pk,
                receipt_number=application.receipt_number or "",
                title=application.title,
                english_title=application.english_title,
                direction=text_get(application.direction.title, language) if application.direction else "",
                fields=list(application.fields or []),
                abstract=abstract,
                applicant=None if hidden else str(application.applicant),
                lead_organisation=None
                if hidden
                else (text_get(application.lead_organisation.name, language) if application.lead_organisation else ""),
                bid=bid.kind if bid else "",
                reason=bid.reason if bid else "",
            )
        )
    return rows


def stage_bids(stage: ReviewStage) -> list[tuple[int, int, str]]:
    """Every bid of the stage as (application id, reviewer id, kind)."""
    return list(Bid.objects.filter(stage=stage).values_list("application_id", "reviewer_id", "kind"))


def bid_counts(stage: ReviewStage) -> dict[str, int]:
    """How many bids of each kind the stage has (for the staff's board)."""
    rows = Bid.objects.filter(stage=stage).values("kind").annotate(n=Count("pk")).order_by("kind")
    return {row["kind"]: row["n"] for row in rows}
