"""Scores against a stage's criteria: translated problems for the reviewer, and the review's total.

The arithmetic and the checks are the pure ``algorithms.scoring``; this module adapts the call's
definition to it (a stored ``None`` is "not applicable") and words its codes in both languages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from django.utils.translation import gettext as _

from shenbao.calls.definition.schema import ReviewCriterion
from shenbao.reviews.algorithms.scoring import (
    NOT_APPLICABLE,
    ScoringScheme,
    compute_total,
    scheme_from_definition,
    validate_scores,
)


class StageDefinition(Protocol):
    """What is scored against criteria: a review stage, or the review of a call's reports."""

    @property
    def criteria(self) -> Sequence[ReviewCriterion]: ...


def scheme(stage: StageDefinition, only: set[str] | None = None) -> ScoringScheme:
    criteria = [c for c in stage.criteria if only is None or c.code in only]
    return scheme_from_definition(criteria, not_applicable=[c.code for c in criteria if c.not_applicable_allowed])


def _engine_scores(scores: Mapping[str, float | None]) -> dict[str, Any]:
    return {code: NOT_APPLICABLE if value is None else value for code, value in scores.items()}


def score_problems(
    stage: StageDefinition, scores: Mapping[str, float | None], *, complete: bool, language: str | None
) -> list[str]:
    """What is wrong with ``scores``, one sentence each; unscored criteria only with ``complete``."""
    names = {c.code: c.name.get(language) for c in stage.criteria}
    problems = []
    for error in validate_scores(scheme(stage), _engine_scores(scores)):
        if not complete and error.code in ("missing", "all_not_applicable"):
            continue
        name = names.get(error.criterion or "", error.criterion or "")
        params = {"criterion": name, **error.params}
        text = {
            "missing": _("“%(criterion)s” has no score yet."),
            "not_applicable_not_allowed": _("“%(criterion)s” must be scored; it cannot be marked not applicable."),
            "not_a_number": _("The score for “%(criterion)s” is not a number."),
            "out_of_range": _("The score for “%(criterion)s” must be between %(min)s and %(max)s."),
            "off_step": _("The score for “%(criterion)s” must be a multiple of %(step)s."),
            "unknown_criterion": _("“%(criterion)s” is not a criterion of this stage."),
            "all_not_applicable": _("Score at least one criterion."),
        }.get(error.code)
        problems.append(text % params if text else error.code)
    return problems


def evaluate_scores(stage: StageDefinition, scores: Mapping[str, float | None]) -> float | None:
    """The review's total on 0–100: the weighted mean of each scored criterion's position on its own
    scale.  Not-applicable criteria are left out and the other weights renormalised (never counted
    as 0); in a draft, criteria not yet scored are left out too.  None while nothing is scored."""
    present = {code: value for code, value in scores.items() if value is not None}
    known = {c.code for c in stage.criteria}
    if not present or set(present) - known:
        return None
    return round(compute_total(scheme(stage, set(present)), present).value, 4)
