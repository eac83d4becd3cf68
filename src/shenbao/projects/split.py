"""Splitting a payment across budget categories (pure: plain data in, plain data out, no Django).

The default split of a tranche's payment is proportional to each category's unpaid approved grant, rounded
down to the yuan, with the yuan left over put on the category with the largest weight (the
first of them in the table's order on a tie), so the parts always add up to the payment exactly."""

from __future__ import annotations

from collections.abc import Mapping


def proportional_split(amount: int, weights: Mapping[str, int]) -> dict[str, int]:
    """``amount`` yuan split over the keys of ``weights`` (in their order) in proportion to the weights.
    With no positive weight the whole amount goes to the first key; with no key the split is empty."""
    if not weights:
        return {}
    total = sum(w for w in weights.values() if w > 0)
    if total <= 0:
        first = next(iter(weights))
        return {code: (amount if code == first else 0) for code in weights}
    parts = {code: amount * max(w, 0) // total for code, w in weights.items()}
    largest = max(weights, key=lambda code: weights[code])  # max keeps the first on a tie
    parts[largest] += amount - sum(parts.values())
    return parts


def over_category(split: Mapping[str, int], available: Mapping[str, int]) -> list[str]:
    """The categories whose share is more than what is still available in them (approved minus paid)."""
    return [code for code, part in split.items() if part > available.get(code, 0)]
