"""Statistics of a call (DESIGN §6, issue 5 item 7): applications, formal-check pass rates, awards and
money, by direction, lead institution, partner country and prize tier.

Every figure is counted by the database (GROUP BY through ``values().annotate()``) in a fixed number
of queries, whatever the size of the call.  ``call_statistics`` is for program staff (it counts the
approved awards before they are published); ``public_summary`` is what the public results page may
show: nothing before the results are published, then only published or final awards, by direction
and prize tier, and never a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from shenbao.applications.enums import ApplicationState, PartnerSide
from shenbao.applications.models import Application, Partner
from shenbao.awards.enums import AwardStatus
from shenbao.awards.models import Award
from shenbao.calls.models import Call

#: Awards that count for staff: decided and not revoked.
STAFF_AWARDS = (AwardStatus.APPROVED, AwardStatus.PUBLISHED, AwardStatus.FINAL)
#: Awards the public may count: published (during the notice) or final.
PUBLIC_AWARDS = (AwardStatus.PUBLISHED, AwardStatus.FINAL)

_WAITING = (ApplicationState.SUBMITTED, ApplicationState.ENDORSED, ApplicationState.RETURNED)


@dataclass(frozen=True)
class Row:
    """One line of a statistics table: a direction, an institution, a country or a prize tier."""

    key: str
    label: dict[str, str]  # a translated text (``{"zh-hans": …, "en": …}``); empty for "none"
    received: int = 0  # every application submitted at least once (not drafts)
    waiting: int = 0  # submitted, endorsed or returned: the formal check has not decided yet
    passed: int = 0
    failed: int = 0
    withdrawn: int = 0
    awards: int = 0
    money_yuan: int = 0
    revoked: int = 0

    @property
    def decided(self) -> int:
        return self.passed + self.failed

    @property
    def pass_rate(self) -> float | None:
        """Share of the formal-check decisions that passed (0–1); None while none is decided."""
        return self.passed / self.decided if self.decided else None


@dataclass(frozen=True)
class Table:
    code: str  # "direction", "institution", "country", "tier"
    rows: list[Row]

    @property
    def max_received(self) -> int:
        return max((r.received for r in self.rows), default=0)

    @property
    def max_awards(self) -> int:
        return max((r.awards for r in self.rows), default=0)

    @property
    def max_money(self) -> int:
        return max((r.money_yuan for r in self.rows), default=0)


@dataclass(frozen=True)
class CallStatistics:
    call: Call
    total: Row
    by_direction: Table
    by_institution: Table
    by_country: Table
    by_tier: Table
    has_money: bool = False  # whether any counted award carries an amount
    tables: list[Table] = field(default_factory=list)


def _award_filter(statuses: Iterable[str], prefix: str = "award__") -> Q:
    return Q(**{f"{prefix}status__in": list(statuses)})


def _application_counts(statuses: Iterable[str]) -> dict[str, Any]:
    """Annotations on grouped applications: states, awards and money (an application has one award at most)."""
    awarded = _award_filter(statuses)
    return {
        "received": Count("pk"),
        "waiting": Count("pk", filter=Q(state__in=_WAITING)),
        "passed": Count("pk", filter=Q(state=ApplicationState.CHECK_PASSED)),
        "failed": Count("pk", filter=Q(state=ApplicationState.CHECK_FAILED)),
        "withdrawn": Count("pk", filter=Q(state=ApplicationState.WITHDRAWN)),
        "awards": Count("award", filter=awarded),
        "money": Coalesce(Sum("award__amount_yuan", filter=awarded), 0),
        "with_amount": Count("award__amount_yuan", filter=awarded),
        "revoked": Count("award", filter=Q(award__status=AwardStatus.REVOKED)),
    }


def _row(key: str, label: dict[str, str] | None, values: dict[str, Any]) -> Row:
    return Row(
        key=key,
        label=label or {},
        received=values.get("received", 0),
        waiting=values.get("waiting", 0),
        passed=values.get("passed", 0),
        failed=values.get("failed", 0),
        withdrawn=values.get("withdrawn", 0),
        awards=values.get("awards", 0),
        money_yuan=int(values.get("money") or 0),
        revoked=values.get("revoked", 0),
    )


def _received(call: Call) -> Any:
    return Application.objects.filter(call=call).exclude(state=ApplicationState.DRAFT)


def _by_direction(call: Call, statuses: Iterable[str]) -> tuple[list[Row], int]:
    grouped = (
        _received(call)
        .values("direction__code", "direction__title", "direction__position")
        .annotate(**_application_counts(statuses))
        .order_by("direction__position")
    )
    rows, with_amount = [], 0
    for g in grouped:
        rows.append(_row(g["direction__code"] or "", g["direction__title"], g))
        with_amount += g["with_amount"]
    return rows, with_amount


def _by_institution(call: Call, statuses: Iterable[str]) -> list[Row]:
    grouped = (
        _received(call)
        .values("lead_organisation_id", "lead_organisation__name")
        .annotate(**_application_counts(statuses))
        .order_by("-awards", "-received", "lead_organisation_id")
    )
    return [_row(str(g["lead_organisation_id"] or ""), g["lead_organisation__name"], g) for g in grouped]


def _by_country(call: Call, statuses: Iterable[str]) -> list[Row]:
    """Per country of a foreign partner.  An application with partners in two countries counts in both;
    with two partners in one country, once (counts are distinct, and the money adds each award once)."""
    statuses = list(statuses)
    money = (
        Award.objects.filter(call=call, status__in=statuses)
        .filter(
            application__in=Partner.objects.filter(side=PartnerSide.FOREIGN, country=OuterRef(OuterRef("country"))).values(
                "application_id"
            )
        )
        .order_by()
        .values("call")
        .annotate(total=Sum("amount_yuan"))
        .values("total")
    )
    grouped = (
        Partner.objects.filter(side=PartnerSide.FOREIGN, application__call=call)
        .exclude(application__state=ApplicationState.DRAFT)
        .values("country")
        .annotate(
            received=Count("application", distinct=True),
            waiting=Count("application", distinct=True, filter=Q(application__state__in=_WAITING)),
            passed=Count("application", distinct=True, filter=Q(application__state=ApplicationState.CHECK_PASSED)),
            failed=Count("application", distinct=True, filter=Q(application__state=ApplicationState.CHECK_FAILED)),
            withdrawn=Count("application", distinct=True, filter=Q(application__state=ApplicationState.WITHDRAWN)),
            awards=Count("application", distinct=True, filter=_award_filter(statuses, "application__award__")),
            revoked=Count("application", distinct=True, filter=Q(application__award__status=AwardStatus.REVOKED)),
            money=Coalesce(Subquery(money, output_field=IntegerField()), 0),
        )
        .order_by("-awards", "-received", "country")
    )
    return [_row(g["country"], None, g) for g in grouped]


def tier_names(call: Call) -> dict[str, dict[str, str]]:
    """The call's prize tiers, code → translated name, in the call's order."""
    return {str(t["code"]): t.get("name") or {} for t in (call.selection or {}).get("prize_tiers") or []}


def _by_tier(call: Call, statuses: Iterable[str]) -> list[Row]:
    """Awards and money per prize tier, in the call's order of tiers; empty unless the awards carry tiers."""
    grouped = (
        Award.objects.filter(call=call, status__in=list(statuses))
        .exclude(tier="")
        .order_by()
        .values("tier")
        .annotate(awards=Count("pk"), money=Coalesce(Sum("amount_yuan"), 0))
    )
    names = tier_names(call)
    order = {code: i for i, code in enumerate(names)}
    rows = [_row(g["tier"], names.get(g["tier"]), g) for g in grouped]
    return sorted(rows, key=lambda r: (order.get(r.key, len(order)), r.key))


def _total(rows: list[Row]) -> Row:
    def add(name: str) -> int:
        return sum(getattr(r, name) for r in rows)

    names = ("received", "waiting", "passed", "failed", "withdrawn", "awards", "revoked")
    return Row(key="", label={}, money_yuan=add("money_yuan"), **{n: add(n) for n in names})


def call_statistics(call: Call, *, statuses: Iterable[str] = STAFF_AWARDS) -> CallStatistics:
    """Everything the staff dashboard and the statistics export show, in four queries."""
    statuses = list(statuses)
    directions, with_amount = _by_direction(call, statuses)
    by_direction = Table("direction", directions)
    by_institution = Table("institution", _by_institution(call, statuses))
    by_country = Table("country", _by_country(call, statuses))
    by_tier = Table("tier", _by_tier(call, statuses))
    return CallStatistics(
        call=call,
        total=_total(directions),
        by_direction=by_direction,
        by_institution=by_institution,
        by_country=by_country,
        by_tier=by_tier,
        has_money=with_amount > 0,
        tables=[t for t in (by_direction, by_institution, by_country, by_tier) if t.rows],
    )


@dataclass(frozen=True)
class PublicSummary:
    total: Row
    by_direction: list[Row]
    by_tier: list[Row]
    has_money: bool


def public_summary(call: Call) -> PublicSummary | None:
    """Counts for the public results page: None until results are published; then applications received,
    published or final awards and their money, by direction and prize tier.  No names, no institutions,
    no formal-check or revocation figures."""
    if not Award.objects.filter(call=call, status__in=PUBLIC_AWARDS).exists():
        return None
    directions, with_amount = _by_direction(call, PUBLIC_AWARDS)
    public = [Row(key=r.key, label=r.label, received=r.received, awards=r.awards, money_yuan=r.money_yuan) for r in directions]
    tiers = [Row(key=r.key, label=r.label, awards=r.awards, money_yuan=r.money_yuan) for r in _by_tier(call, PUBLIC_AWARDS)]
    return PublicSummary(total=_total(public), by_direction=public, by_tier=tiers, has_money=with_amount > 0)
