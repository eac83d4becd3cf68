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


def exact(value: float) -> Fraction:
    """The decimal the user meant by ``value`` (``0.1`` → 1/10), as an exact fraction."""
    if not math.isfinite(value):
        raise ValueError("not_finite")
    return Fraction(repr(float(value)))


def sqrt(value: Fraction) -> float:
    """Square root, exact when ``value`` is the square of a rational (so hand-computed sds compare equal)."""
    if value < 0:
        raise ValueError("negative")
    num, den = value.numerator, value.denominator
    rn, rd = math.isqrt(num), math.isqrt(den)
    if rn * rn == num and rd * rd == den:
        return float(Fraction(rn, rd))
    return math.sqrt(value)


def mean(values: Sequence[Fraction]) -> Fraction:
    if not values:
        raise ValueError("empty")
    return sum(values, Fraction(0)) / len(values)


def variance(values: Sequence[Fraction]) -> Fraction:
    """Population variance (divide by n): the reviews we have are all the reviews there are."""
    m = mean(values)
    return sum(((v - m) ** 2 for v in values), Fraction(0)) / len(values)


def median(values: Sequence[Fraction]) -> Fraction:
    if not values:
        raise ValueError("empty")
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2
