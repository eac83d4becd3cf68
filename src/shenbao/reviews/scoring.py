"""Scores against a stage's criteria: translated problems for the reviewer, and the review's total."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from shenbao.calls.definition.schema import ReviewStage as StageDefinition


def score_problems(
    stage: StageDefinition, scores: Mapping[str, float | None], *, complete: bool, language: str | None
) -> list[str]:
    """What is wrong with ``scores``, one sentence per criterion; with ``complete``, unscored criteria too."""
    problems = []
    known = {c.code for c in stage.criteria}
    for code in scores:
        if code not in known:
            problems.append(_("“%(code)s” is not a criterion of this stage.") % {"code": code})
    for criterion in stage.criteria:
        name = criterion.name.get(language)
        if criterion.code not in scores:
            if complete:
                problems.append(_("“%(criterion)s” has no score yet.") % {"criterion": name})
            continue
        value = scores[criterion.code]
        if value is None:
            if not criterion.not_applicable_allowed:
                problems.append(_("“%(criterion)s” must be scored; it cannot be marked not applicable.") % {"criterion": name})
            continue
        if not criterion.scale_min <= value <= criterion.scale_max:
            problems.append(
                _("The score for “%(criterion)s” must be between %(min)s and %(max)s.")
                % {"criterion": name, "min": criterion.scale_min, "max": criterion.scale_max}
            )
    if complete and not problems and all(scores.get(c.code) is None for c in stage.criteria):
        problems.append(_("Score at least one criterion."))
    return problems


def evaluate_scores(stage: StageDefinition, scores: Mapping[str, float | None]) -> float | None:
    """The review's total on 0–100: the weighted mean of each scored criterion's position on its own
    scale.  Criteria marked not applicable are left out and the other weights renormalised (never
    counted as 0).  None while nothing is scored."""
    weighted = 0.0
    weights = 0.0
    for criterion in stage.criteria:
        value = scores.get(criterion.code)
        if value is None:
            continue
        weighted += criterion.weight * (value - criterion.scale_min) / (criterion.scale_max - criterion.scale_min)
        weights += criterion.weight
    return round(100 * weighted / weights, 4) if weights else None
