"""What a call's review asks of staff now: reviews past their stage's due date, shortlists to sign."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from shenbao.calls.models import Call, ReviewStage
from shenbao.reviews.enums import AssignmentStatus, EntryStatus, ReviewState
from shenbao.reviews.queries.stages import stage_definition


@dataclass(frozen=True)
class StageTodo:
    stage: ReviewStage
    due: dt.date | None
    entries: int
    in_review: int
    assignments: int
    submitted: int
    signed: int  # sign-offs recorded (one per direction where the stage signs per direction)

    @property
    def overdue(self) -> int:
        """Active reviews not submitted although the stage's due date has passed (0 before then)."""
        return self.assignments - self.submitted if self.due is not None and self.due < _today() else 0

    @property
    def to_sign(self) -> bool:
        """Every review is in and applications still wait in the stage, but no shortlist is signed."""
        return self.in_review > 0 and self.assignments > 0 and self.submitted == self.assignments and self.signed == 0


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def stage_todos(call: Call) -> list[StageTodo]:
    """Each review stage of the call with its counts: one query for all of them."""
    stages = (
        ReviewStage.objects.filter(call=call)
        .annotate(
            n_entries=Count("entries", distinct=True),
            n_in_review=Count("entries", filter=Q(entries__status=EntryStatus.IN_REVIEW), distinct=True),
            n_assignments=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ACTIVE), distinct=True),
            n_submitted=Count(
                "assignments",
                filter=Q(assignments__status=AssignmentStatus.ACTIVE, assignments__review__state=ReviewState.SUBMITTED),
                distinct=True,
            ),
            n_signed=Count("sign_offs", distinct=True),
        )
        .order_by("position")
    )
    return [
        StageTodo(
            stage=s,
            due=stage_definition(s).due,
            entries=s.n_entries,
            in_review=s.n_in_review,
            assignments=s.n_assignments,
            submitted=s.n_submitted,
            signed=s.n_signed,
        )
        for s in stages
    ]
