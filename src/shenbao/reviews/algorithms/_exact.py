"""Exact arithmetic on scores, shared by the scoring, aggregation and live-judging modules.

Scores are typed by people as short decimals (7.5, 85.25).  Binary floats cannot hold
most of them, so summing them as floats gives results such as 80.00000000000001, and a
ranking would then separate two applications that a person computing by hand finds tied.
We therefore read every float through its shortest decimal form (``repr``) into a
``Fraction``, do the arithmetic exactly, and convert back once at the end: the float
returned is the correctly rounded value of the exact decimal result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache


def exact(value: float) -> Fraction:
    """The decimal the user meant by ``value`` (``0.1`` → 1/10), as an exact fraction."""
    if isinstance(value, int):
        return Fraction(value)
    return _from_float(float(value))


@lru_cache(maxsize=65536)
def _from_float(value: float) -> Fraction:
    # Parsing the repr is the slow part, and a stage's scores repeat (half points on 0–100
    # give 201 values), so the conversions are cached.
    if not math.isfinite(value):
        raise ValueError("not_finite")
    if value.is_integer():
        return Fraction(int(value))
    return Fraction(repr(value))


def sqrt(value: Fraction) -> float:
    """Square root, exact when ``value`` is the square of a rational (so hand-computed sds compare equal)."""
    if value < 0:
        raise ValueError("negative")
    num, den = value.numerator, value.denominator
    rn, rd = math.isqrt(num), math.isqrt(den)
    if rn * rn == num and rd * rd == den:
        return float(Fraction(rn, rd))
    return math.sqrt(value)


def _scaled(values: Sequence[Fraction]) -> tuple[list[int], int]:
    """The values as integers over one common denominator: integer sums are far cheaper than Fraction sums."""
    if not values:
        raise ValueError("empty")
    d = math.lcm(*(v.denominator for v in values))
    return [v.numerator * (d // v.denominator) for v in values], d


def mean(values: Sequence[Fraction]) -> Fraction:
    ints, d = _scaled(values)
    return Fraction(sum(ints), len(ints) * d)


def weighted_mean(values: Sequence[Fraction], weights: Sequence[int]) -> Fraction:
    ints, d = _scaled(values)
    return Fraction(sum(w * i for w, i in zip(weights, ints, strict=True)), sum(weights) * d)


def variance(values: Sequence[Fraction]) -> Fraction:
    """Population variance (divide by n): the reviews we have are all the reviews there are."""
    ints, d = _scaled(values)
    n = len(ints)
    return Fraction(n * sum(i * i for i in ints) - sum(ints) ** 2, n * n * d * d)


def median(values: Sequence[Fraction]) -> Fraction:
    if not values:
        raise ValueError("empty")
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2
