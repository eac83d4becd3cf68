"""A review's total from its criterion scores (pure, no Django).

A scoring form has weighted criteria, each on its own scale.  The reviewer gives each
criterion a score or, where the criterion allows it, marks it "not applicable".  A
not-applicable criterion is left out and the remaining weights are renormalised, so the
application is judged on what applies to it instead of being given a zero it did not earn.

How the total is formed is declared by the scheme, never guessed (see ADR 0007):

``NORMALISED`` (default)
    ``out_min + (out_max − out_min) · Σ wᵢ·(sᵢ − minᵢ)/(maxᵢ − minᵢ) / Σ wᵢ`` over the
    applicable criteria.  Criteria may have different scales; the total is on the declared
    output scale (0–100 unless stated).
``WEIGHTED_MEAN``
    ``Σ wᵢ·sᵢ / Σ wᵢ``: the total stays on the criteria's common scale (a 0–100 judging
    sheet keeps 0–100).  All criteria must share one scale.
``WEIGHTED_SUM``
    ``Σ wᵢ·sᵢ · (W / Σ wᵢ)`` where ``W`` is the sum of all weights: points out of
    ``W·max``, as on paper forms ("40 % × score out of 100").  With no criterion marked
    not applicable the factor is 1.  All criteria must share one scale.

Errors are codes with parameters; the Django layer words them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from fractions import Fraction
from typing import Any, Final, Literal, Protocol

from shenbao.reviews.algorithms._exact import exact


class _Mark(Enum):
    NOT_APPLICABLE = "not_applicable"


#: The value a reviewer gives a criterion that does not apply to the application.
NOT_APPLICABLE: Final = _Mark.NOT_APPLICABLE

#: One criterion's score: a number on the criterion's scale, or NOT_APPLICABLE.
Score = float | Literal[_Mark.NOT_APPLICABLE]


class TotalMethod(StrEnum):
    NORMALISED = "normalised"
    WEIGHTED_MEAN = "weighted_mean"
    WEIGHTED_SUM = "weighted_sum"


class SchemeError(ValueError):
    """A scoring scheme that cannot produce totals; a configuration error, caught when the scheme is built."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Scale:
    """Allowed scores: ``min ≤ s ≤ max`` and, with a step, ``(s − min)`` a whole number of steps."""

    min: float
    max: float
    step: float | None = None


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    weight: float
    scale: Scale
    allow_not_applicable: bool = False


@dataclass(frozen=True)
class ScoringScheme:
    criteria: tuple[CriterionSpec, ...]
    method: TotalMethod = TotalMethod.NORMALISED
    out_min: float = 0
    out_max: float = 100

    def __post_init__(self) -> None:
        if not self.criteria:
            raise SchemeError("no_criteria")
        seen: set[str] = set()
        for c in self.criteria:
            if c.code in seen:
                raise SchemeError("duplicate_criterion", criterion=c.code)
            seen.add(c.code)
            if not c.weight > 0:
                raise SchemeError("weight_not_positive", criterion=c.code, weight=c.weight)
            if not c.scale.min < c.scale.max:
                raise SchemeError("scale_order", criterion=c.code, min=c.scale.min, max=c.scale.max)
            if c.scale.step is not None:
                if not c.scale.step > 0:
                    raise SchemeError("step_not_positive", criterion=c.code, step=c.scale.step)
                steps = (exact(c.scale.max) - exact(c.scale.min)) / exact(c.scale.step)
                if steps.denominator != 1:
                    # Otherwise the top of the scale would be off-step and unreachable.
                    raise SchemeError("step_does_not_divide_scale", criterion=c.code, step=c.scale.step)
        if self.method != TotalMethod.NORMALISED:
            first = self.criteria[0].scale
            for c in self.criteria[1:]:
                if (c.scale.min, c.scale.max) != (first.min, first.max):
                    raise SchemeError("scales_differ", criterion=c.code, method=self.method.value)
        if self.method == TotalMethod.NORMALISED and not self.out_min < self.out_max:
            raise SchemeError("scale_order", criterion=None, min=self.out_min, max=self.out_max)

    @property
    def total_range(self) -> tuple[float, float]:
        """The lowest and highest total this scheme can give (with every criterion applicable)."""
        if self.method == TotalMethod.NORMALISED:
            return (self.out_min, self.out_max)
        scale = self.criteria[0].scale
        if self.method == TotalMethod.WEIGHTED_MEAN:
            return (scale.min, scale.max)
        w = sum((exact(c.weight) for c in self.criteria), Fraction(0))
        return (float(w * exact(scale.min)), float(w * exact(scale.max)))


@dataclass(frozen=True)
class ScoreError:
    """One problem with a score vector; ``criterion`` is None for problems of the whole vector."""

    criterion: str | None
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


class InvalidScores(ValueError):
    def __init__(self, errors: Sequence[ScoreError]) -> None:
        super().__init__(", ".join(e.code for e in errors))
        self.errors = tuple(errors)


@dataclass(frozen=True)
class ScoreTotal:
    """A review's total and how it was formed.

    ``weights`` are the effective weights of the applicable criteria after renormalisation;
    they sum to 1, so a reader can see how much each criterion counted.
    """

    value: float
    method: TotalMethod
    applicable: tuple[str, ...]
    not_applicable: tuple[str, ...]
    weights: Mapping[str, float]


def validate_scores(scheme: ScoringScheme, scores: Mapping[str, Score]) -> tuple[ScoreError, ...]:
    """Every problem with a score vector, in criterion order; empty when the vector can be totalled.

    Codes: ``missing``, ``not_applicable_not_allowed``, ``not_a_number``, ``out_of_range``
    (with min, max, value), ``off_step`` (with step, value), ``unknown_criterion``, and for the
    whole vector ``all_not_applicable`` (nothing left to total).
    """
    errors: list[ScoreError] = []
    applicable = 0
    for c in scheme.criteria:
        if c.code not in scores:
            errors.append(ScoreError(c.code, "missing"))
            continue
        value = scores[c.code]
        if value is NOT_APPLICABLE:
            if not c.allow_not_applicable:
                errors.append(ScoreError(c.code, "not_applicable_not_allowed"))
            continue
        applicable += 1
        errors.extend(_check_value(c, value))
    known = {c.code for c in scheme.criteria}
    errors.extend(ScoreError(code, "unknown_criterion") for code in scores if code not in known)
    if applicable == 0 and all(e.code != "missing" for e in errors):
        errors.append(ScoreError(None, "all_not_applicable"))
    return tuple(errors)


def _check_value(c: CriterionSpec, value: object) -> list[ScoreError]:
    problem = check_value(c.scale, value)
    return [] if problem is None else [ScoreError(c.code, problem[0], problem[1])]


def check_value(scale: Scale, value: object) -> tuple[str, Mapping[str, Any]] | None:
    """The error code and parameters for one score on a scale, or None when it is allowed."""
    # bool is an int; a checkbox value is never a score.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ("not_a_number", {})
    try:
        v = exact(value)
    except ValueError:
        return ("not_a_number", {})
    lo, hi = exact(scale.min), exact(scale.max)
    if v < lo or v > hi:
        return ("out_of_range", {"min": scale.min, "max": scale.max, "value": value})
    if scale.step is not None and ((v - lo) / exact(scale.step)).denominator != 1:
        return ("off_step", {"step": scale.step, "min": scale.min, "value": value})
    return None


def compute_total(scheme: ScoringScheme, scores: Mapping[str, Score]) -> ScoreTotal:
    """The review's total under the scheme's method; raises InvalidScores with every error found."""
    errors = validate_scores(scheme, scores)
    if errors:
        raise InvalidScores(errors)
    used = [c for c in scheme.criteria if scores[c.code] is not NOT_APPLICABLE]
    skipped = tuple(c.code for c in scheme.criteria if scores[c.code] is NOT_APPLICABLE)
    w_used = sum((exact(c.weight) for c in used), Fraction(0))
    weights = {c.code: exact(c.weight) / w_used for c in used}

    def value_of(c: CriterionSpec) -> Fraction:
        v = scores[c.code]
        assert v is not NOT_APPLICABLE
        return exact(v)

    if scheme.method == TotalMethod.NORMALISED:
        share = sum(
            (weights[c.code] * (value_of(c) - exact(c.scale.min)) / (exact(c.scale.max) - exact(c.scale.min)) for c in used),
            Fraction(0),
        )
        out_lo, out_hi = exact(scheme.out_min), exact(scheme.out_max)
        total = out_lo + (out_hi - out_lo) * share
    else:
        total = sum((weights[c.code] * value_of(c) for c in used), Fraction(0))
        if scheme.method == TotalMethod.WEIGHTED_SUM:
            total *= sum((exact(c.weight) for c in scheme.criteria), Fraction(0))
    return ScoreTotal(
        value=float(total),
        method=scheme.method,
        applicable=tuple(c.code for c in used),
        not_applicable=skipped,
        weights={code: float(w) for code, w in weights.items()},
    )


def criterion_means(scheme: ScoringScheme, vectors: Sequence[Mapping[str, Score]]) -> dict[str, float | None]:
    """Per criterion, the mean score over the reviews that found it applicable (None if none did).

    Ranking uses these to break ties on a named criterion; a not-applicable mark is left out
    here for the same reason it is left out of the total.
    """
    result: dict[str, float | None] = {}
    for c in scheme.criteria:
        values = [exact(v) for vec in vectors if (v := vec.get(c.code, NOT_APPLICABLE)) is not NOT_APPLICABLE]
        result[c.code] = float(sum(values, Fraction(0)) / len(values)) if values else None
    return result


class DefinedCriterion(Protocol):
    """What a call definition's review criterion (``calls.definition.schema.ReviewCriterion``) offers.

    A protocol rather than an import keeps this module free of the schema's dependencies.
    """

    @property
    def code(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def scale_min(self) -> int: ...
    @property
    def scale_max(self) -> int: ...


def scheme_from_definition(
    criteria: Sequence[DefinedCriterion],
    *,
    method: TotalMethod = TotalMethod.NORMALISED,
    out_min: float = 0,
    out_max: float = 100,
    step: float | None = None,
    not_applicable: Sequence[str] = (),
) -> ScoringScheme:
    """A scheme for a stage's criteria as the call defines them.

    The definition does not (yet) carry a step or which criteria may be marked not
    applicable; the caller passes them until it does.
    """
    return ScoringScheme(
        criteria=tuple(
            CriterionSpec(c.code, c.weight, Scale(c.scale_min, c.scale_max, step), c.code in not_applicable) for c in criteria
        ),
        method=method,
        out_min=out_min,
        out_max=out_max,
    )
