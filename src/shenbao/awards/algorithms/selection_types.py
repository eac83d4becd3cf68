"""Plain data of the selection optimiser: the problem, the result, reasons as codes (no Django).

Amounts are whole yuan.  Ranks are the review ranking's competition ranks within a group
(1 is best); ``position`` is the ranking's 1-based place in its listing, which orders tied
ranks.  Every record carries codes and numbers; the Django layer writes the sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Id = int | str


class SelectionInputError(ValueError):
    """The input is malformed (not a rule conflict: those are reported in the result)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class QuotaKind(StrEnum):
    EXACT = "exact"
    AT_MOST = "at_most"
    AT_LEAST = "at_least"
    ABOUT = "about"
    RANGE = "range"
    UNSPECIFIED = "unspecified"


@dataclass(frozen=True)
class Quota:
    """How many awards a group makes; ``about`` allows ``value ± tolerance``.

    ``minimum``: the lower bound must be met, and a group that cannot meet it makes the rule
    set infeasible.  Without it (``minimum=False``) the number is what the funder intends to
    support at most (a guide's 拟支持项目数): only the upper bound binds, and a group that
    ends below ``target`` is reported as a ``Shortfall``, never a conflict.
    """

    kind: QuotaKind
    value: int | None = None
    min: int | None = None
    max: int | None = None
    tolerance: int = 0
    minimum: bool = True

    def __post_init__(self) -> None:
        if self.kind == QuotaKind.RANGE:
            if self.min is None or self.max is None or self.min > self.max:
                raise SelectionInputError("quota_range_bounds", min=self.min, max=self.max)
        elif self.kind != QuotaKind.UNSPECIFIED and self.value is None:
            raise SelectionInputError("quota_needs_value", kind=self.kind.value)
        if self.tolerance < 0 or (self.value is not None and self.value < 0) or (self.min is not None and self.min < 0):
            raise SelectionInputError("quota_negative")

    @property
    def lower(self) -> int:
        """The binding lower bound (0 unless the quota is a minimum)."""
        if not self.minimum:
            return 0
        if self.kind == QuotaKind.RANGE:
            return self.min or 0
        if self.kind in (QuotaKind.EXACT, QuotaKind.AT_LEAST):
            return self.value or 0
        if self.kind == QuotaKind.ABOUT:
            return max(0, (self.value or 0) - self.tolerance)
        return 0

    @property
    def upper(self) -> int | None:
        if self.kind == QuotaKind.RANGE:
            return self.max
        if self.kind in (QuotaKind.EXACT, QuotaKind.AT_MOST):
            return self.value
        if self.kind == QuotaKind.ABOUT:
            return (self.value or 0) + self.tolerance
        return None

    @property
    def target(self) -> int | None:
        """The number the call intends (a range's top); fewer selected is a shortfall."""
        if self.kind == QuotaKind.RANGE:
            return self.max
        return self.value


class AwardAmount(StrEnum):
    REQUESTED = "requested"
    FIXED = "fixed"
    NONE = "none"


class CapKind(StrEnum):
    PARTNER_COUNTRY = "per_partner_country"
    INSTITUTION = "per_institution"


class ExclusivityKey(StrEnum):
    PARTNER_COUNTRY = "partner_country"
    APPLICANT = "applicant"
    LEAD_ORGANISATION = "lead_organisation"


@dataclass(frozen=True)
class Candidate:
    application: Id
    group: Id
    rank: int
    position: int = 0  # the ranking's listing place; orders equal ranks (0: input order)
    merit: float | None = None  # the ranking's value, carried for display only
    requested_yuan: int = 0
    institution: str | None = None
    partner_countries: frozenset[str] = frozenset()
    applicant: str | None = None
    tiers: frozenset[str] | None = None  # prize tiers it may receive; None = any
    # Its direction when ``group`` is a call-wide pool (a call-wide final ranking); None: the group
    # itself.  Caps, exclusivity and ``direction_rules`` that name directions look at this.
    direction: Id | None = None


@dataclass(frozen=True)
class GroupRules:
    group: Id
    quota: Quota | None = None
    budget_yuan: int | None = None


@dataclass(frozen=True)
class Cap:
    """At most ``max`` awards per key value (a partner country, an institution) in the directions ``groups`` (empty: all).

    ``in_principle`` (原则上): staff may depart by pinning; a key's limit is then the number of
    its pinned applications when that is larger, and the pins are not a conflict.
    """

    kind: CapKind
    max: int
    groups: tuple[Id, ...] = ()
    in_principle: bool = False

    def __post_init__(self) -> None:
        if self.max < 0:
            raise SelectionInputError("cap_negative", max=self.max)


@dataclass(frozen=True)
class Exclusivity:
    """A key value (e.g. a country in ``countries``) may win in only one of the directions ``groups``."""

    key: ExclusivityKey
    groups: tuple[Id, ...]
    countries: frozenset[str] = frozenset()  # partner_country only; empty = every country

    def __post_init__(self) -> None:
        if len(set(self.groups)) < 2:
            raise SelectionInputError("exclusivity_needs_two_groups")


@dataclass(frozen=True)
class Tier:
    """A prize tier, best first in ``SelectionProblem.tiers``; ``count`` per group (None: no limit)."""

    code: str
    count: int | None = None

    def __post_init__(self) -> None:
        if self.count is not None and self.count < 0:
            raise SelectionInputError("tier_count_negative", tier=self.code)


@dataclass(frozen=True)
class SelectionProblem:
    candidates: tuple[Candidate, ...]
    groups: tuple[GroupRules, ...] = ()
    total_budget_yuan: int | None = None
    award_amount: AwardAmount = AwardAmount.REQUESTED
    fixed_amount_yuan: int | None = None
    caps: tuple[Cap, ...] = ()
    exclusivity: tuple[Exclusivity, ...] = ()
    tiers: tuple[Tier, ...] = ()
    # Quotas and budgets of the directions inside a call-wide pool (by ``Candidate.direction``):
    # constraints only, the ranking order is the pool's.
    direction_rules: tuple[GroupRules, ...] = ()
    pins: frozenset[Id] = frozenset()
    excludes: frozenset[Id] = frozenset()
    reserve_size: int | None = None  # per group; None: every eligible non-selected application


@dataclass(frozen=True)
class SolverOptions:
    """Deterministic by construction: one worker, a fixed seed, a deterministic time budget."""

    max_deterministic_time: float = 120.0
    random_seed: int = 0
    prune_dominated: bool = True


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a solution, optimality not proven within the budget
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


class ReasonCode(StrEnum):
    SELECTED = "selected"
    PINNED = "pinned"
    TIE_BROKEN_BY_POSITION = "tie_broken_by_position"  # level with an application on the other side of the line
    EXCLUDED = "excluded_by_staff"
    QUOTA_FULL = "quota_full"
    DIRECTION_QUOTA_FULL = "direction_quota_full"  # a direction inside a call-wide pool has its awards
    GROUP_BUDGET = "group_budget"
    TOTAL_BUDGET = "total_budget"
    CAP_TAKEN = "cap_taken"
    EXCLUSIVITY = "exclusivity"
    TIERS_FULL = "tiers_full"
    NOT_TIER_ELIGIBLE = "not_tier_eligible"
    NOT_PROVEN = "not_proven"  # the solve stopped before optimality; no rule blocks it
    INFEASIBLE = "infeasible"  # the rule set has no solution; nothing was selected


@dataclass(frozen=True)
class Reason:
    """One reason with its numbers; only the fields the code needs are set."""

    code: ReasonCode
    group: Id | None = None
    rank: int | None = None
    quota: int | None = None
    count: int | None = None
    left_yuan: int | None = None
    request_yuan: int | None = None
    key: str | None = None
    limit: int | None = None
    others: tuple[Id, ...] = ()
    other_group: Id | None = None
    tier: str | None = None
    tier_places: tuple[tuple[str, int | None], ...] = ()  # (tier, places) of every tier, for tier reasons


@dataclass(frozen=True)
class Explanation:
    application: Id
    group: Id
    rank: int
    selected: bool
    amount_yuan: int
    tier: str | None = None
    reserve_position: int | None = None
    reasons: tuple[Reason, ...] = ()


class ConflictCode(StrEnum):
    UNKNOWN_GROUP = "unknown_group"
    PIN_EXCLUDED = "pin_excluded"
    QUOTA_BELOW_PINS = "quota_below_pins"
    QUOTA_UNREACHABLE = "quota_unreachable"  # fewer available applications than the lower bound
    BUDGET_BELOW_PINS = "budget_below_pins"
    TOTAL_BUDGET_BELOW_PINS = "total_budget_below_pins"
    CAP_BELOW_PINS = "cap_below_pins"
    EXCLUSIVITY_PINS = "exclusivity_pins"
    TIERS_BELOW_PINS = "tiers_below_pins"
    # from the solver's core (a minimal set of rules that cannot hold together)
    RULE_IN_CONFLICT = "rule_in_conflict"


class RuleKind(StrEnum):
    QUOTA_LOWER = "quota_lower"
    QUOTA_UPPER = "quota_upper"
    GROUP_BUDGET = "group_budget"
    TOTAL_BUDGET = "total_budget"
    CAP = "cap"
    EXCLUSIVITY = "exclusivity"
    PIN = "pin"


@dataclass(frozen=True)
class RuleConflict:
    code: ConflictCode
    group: Id | None = None
    rule: RuleKind | None = None
    application: Id | None = None
    key: str | None = None
    needed: int | None = None
    limit: int | None = None
    others: tuple[Id, ...] = ()


class ShortfallCause(StrEnum):
    NO_APPLICATIONS = "no_applications"  # nobody was ranked in the direction
    FEWER_RANKED = "fewer_ranked"  # fewer ranked applications than the quota
    EXCLUDED_BY_STAFF = "excluded_by_staff"  # staff's excludes left fewer than the quota
    WITHIN_TOLERANCE = "within_tolerance"  # "about N": the count is within N ± tolerance
    BLOCKED = "blocked"  # ranked applications left over, each blocked by a rule (``blocked_by``)


@dataclass(frozen=True)
class Shortfall:
    """A group (or a direction inside a call-wide pool) that selected fewer than its quota's target.

    ``minimum`` is the binding lower bound (0 unless the call marks the quota as a minimum);
    ``ranked`` counts its candidates, ``available`` those staff did not exclude.  ``blocked_by``
    lists the rules that block the ranked applications left over (budget, caps, exclusivity, …).
    """

    group: Id
    kind: QuotaKind
    target: int
    minimum: int
    tolerance: int
    ranked: int
    available: int
    selected: int
    causes: tuple[ShortfallCause, ...]
    blocked_by: tuple[ReasonCode, ...] = ()


@dataclass(frozen=True)
class SolveStats:
    variables: int
    fixed_by_dominance: int
    build_seconds: float
    solve_seconds: float
    deterministic_time: float
    solver_status: str  # CP-SAT's own status name


@dataclass(frozen=True)
class Selection:
    status: SolveStatus
    proven_optimal: bool
    objective: int
    bound: int
    selected: tuple[Id, ...]  # group by group, best first
    reserve: tuple[tuple[Id, tuple[Id, ...]], ...]  # (group, reserve list in order)
    explanations: tuple[Explanation, ...]  # one per candidate, in input order
    conflicts: tuple[RuleConflict, ...] = ()
    stats: SolveStats | None = None
    weights: tuple[int, ...] = field(default=(), repr=False)  # objective weight per candidate, input order
    # groups that selected fewer than their quota's target
    shortfalls: tuple[Shortfall, ...] = ()
