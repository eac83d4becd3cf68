"""A stage's settings as the call defines them, and the stages' order."""

from __future__ import annotations

from shenbao.calls.definition.schema import ReviewStage as StageDefinition
from shenbao.calls.models import ReviewStage
from shenbao.calls.queries.definitions import current_definition


def stage_definition(stage: ReviewStage) -> StageDefinition:
    """The stage's capability flags, criteria and advancement rule from the call's current definition."""
    for item in current_definition(stage.call).review_stages:
        if item.code == stage.code:
            return item
    raise LookupError(f"stage {stage.code!r} is not in the call's definition")


def previous_stage(stage: ReviewStage) -> ReviewStage | None:
    return ReviewStage.objects.filter(call_id=stage.call_id, position__lt=stage.position).order_by("-position").first()


def next_stage(stage: ReviewStage) -> ReviewStage | None:
    return ReviewStage.objects.filter(call_id=stage.call_id, position__gt=stage.position).order_by("position").first()
