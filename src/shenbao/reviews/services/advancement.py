"""The chair's sign-off of a shortlist, and advancement of a stage's applications to the next stage."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.calls.models import Direction, ReviewStage
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.lifecycle import transition
from shenbao.core.text import text_get
from shenbao.reviews.algorithms.advancement import (
    BoundaryTie,
    Decision,
    Outcome,
    Tier,
    advance,
    advance_by_tier,
    assign_prize_tiers,
)
from shenbao.reviews.enums import EntryStatus
from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.models import Assignment, ShortlistSignOff, StageEntry
from shenbao.reviews.queries.ranking import stage_ranking
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.transitions import ENTRY_LIFECYCLE


@dataclass(frozen=True)
class AdvancementOutcome:
    advanced: int
    not_advanced: int
    next_stage: ReviewStage


@transaction.atomic
def sign_off_shortlist(
    *, stage: ReviewStage, direction: Direction | None, advanced: list[int], actor: User, statement: str = ""
) -> ShortlistSignOff:
    """The committee chair signs who advances from ``stage`` (in ``direction`` where the stage ranks
    per direction); the ranking as it stood is kept with the signature, and the chair's own
    ``statement`` with it.  Signing again replaces it."""
    ranking = stage_ranking(stage)
    key = direction.code if direction else ""
    rows = ranking.groups.get(key, [])
    allowed = {row.application.pk for row in rows}
    unknown = sorted(set(advanced) - allowed)
    if unknown:
        raise StageNotReady(_("Only applications ranked in this list can be shortlisted."))
    snapshot = [
        {"application": row.application.pk, "rank": row.ranked.rank, "value": row.aggregate.value, "n": row.aggregate.n_reviews}
        for row in rows
    ]
    ShortlistSignOff.objects.filter(stage=stage, direction=direction).delete()
    sign_off = ShortlistSignOff.objects.create(
        stage=stage,
        direction=direction,
        advanced=sorted(set(advanced)),
        ranking=snapshot,
        signed_by=actor,
        statement=statement.strip(),
    )
    log_action(
        action="shenbao.review.shortlist_signed",
        obj=stage,
        actor=actor,
        data={"direction": key, "advanced": sign_off.advanced, "statement": sign_off.statement},
    )
    return sign_off


def prize_tier_counts(stage: ReviewStage, tier_counts: dict[str, int] | None) -> list[Tier]:
    """The places of each prize tier in every list of the stage: the call's number where it states
    one, else the committee's (``tier_counts``).  A tier with neither stops the advancement: the
    seed states no counts, so none is assumed."""
    tiers = current_definition(stage.call).selection.prize_tiers
    given = tier_counts or {}
    missing = [t for t in tiers if t.count is None and given.get(t.code) is None]
    if missing:
        raise StageNotReady(
            _("The call leaves the number of places open for %(tiers)s: enter the committee's numbers to advance."),
            params={
                "tiers": ("、" if (get_language() or "").startswith("zh") else ", ").join(
                    t.name.get(get_language()) for t in missing
                )
            },
        )
    return [Tier(t.code, t.count if t.count is not None else given[t.code]) for t in tiers]


def _decisions(
    stage: ReviewStage, n: int | None, threshold: float | None, boundary: BoundaryTie, tier_counts: dict[str, int] | None
) -> list[Decision]:
    definition = stage_definition(stage)
    rule = definition.advancement
    assert rule is not None
    ranking = stage_ranking(stage)
    if rule.rule == "top_n" or (rule.rule == "passed" and threshold is not None):
        return list(advance(ranking.rankings, n=n or rule.n, threshold=threshold, on_boundary_tie=boundary))
    if rule.rule == "prize_tier":
        # The holders of the advancing tier go on (seed 001: each track's first prizes), so the number
        # that goes to the finals follows the tier counts.
        counted = prize_tier_counts(stage, tier_counts)
        return list(advance_by_tier(assign_prize_tiers(ranking.rankings, counted), {rule.tier or ""}))
    raise StageNotReady(_("This stage advances by the chair's sign-off."))


@transaction.atomic
def advance_stage(
    *,
    stage: ReviewStage,
    actor: User,
    n: int | None = None,
    threshold: float | None = None,
    boundary: BoundaryTie = BoundaryTie.UNDECIDED,
    tier_counts: dict[str, int] | None = None,
) -> AdvancementOutcome:
    """Decide who moves on by the stage's rule, record why for each application, fill the next stage.

    ``tier_counts`` are the committee's places per prize tier in each list, for the tiers whose
    number the call does not state (a number the call states wins).

    A stage with the chair's sign-off (or a shortlist rule) advances exactly the signed lists, and
    every list must be signed.  A tie at the boundary that the committee has not settled stops the
    advancement, so nobody is cut arbitrarily."""
    definition = stage_definition(stage)
    rule = definition.advancement
    if rule is None:
        raise StageNotReady(_("This stage is the last one."))
    following = ReviewStage.objects.filter(call_id=stage.call_id, code=rule.to_stage).first()
    if following is None:
        raise StageNotReady(_("The next stage is missing from the call."))
    ReviewStage.objects.select_for_update().get(pk=stage.pk)  # one advancement at a time
    if Assignment.objects.filter(stage=following).exists():
        raise StageNotReady(
            _("“%(stage)s” has already begun (experts are assigned); advancement can no longer change."),
            params={"stage": text_get(following.name, get_language())},
        )
    entries = {e.application_id: e for e in StageEntry.objects.filter(stage=stage).select_related("application__direction")}
    if not entries:
        raise StageNotReady(_("No application is in review in this stage yet."))
    reasons: dict[int, dict[str, object]] = {}
    used: dict[str, int] = {}  # the tier counts the advancement followed, for the audit
    if definition.chair_sign_off or rule.rule == "shortlist":
        sign_offs = list(ShortlistSignOff.objects.filter(stage=stage).select_related("direction"))
        groups = set(stage_ranking(stage).groups)
        signed = {s.direction.code if s.direction else "" for s in sign_offs}
        if groups - signed:
            raise StageNotReady(
                _("The chair has not signed off these lists yet: %(lists)s."),
                params={"lists": ", ".join(sorted(groups - signed))},
            )
        chosen = {pk for s in sign_offs for pk in s.advanced}
        for pk in entries:
            reasons[pk] = {"code": "signed_off" if pk in chosen else "not_signed_off", "advances": pk in chosen}
    else:
        decisions = _decisions(stage, n, threshold, boundary, tier_counts)
        if rule.rule == "prize_tier":
            used = {t.code: t.count for t in prize_tier_counts(stage, tier_counts)}
        tier_names = {t.code: t.name.as_dict() for t in current_definition(stage.call).selection.prize_tiers}
        undecided = [d for d in decisions if d.outcome == Outcome.UNDECIDED]
        if undecided:
            raise StageNotReady(
                _("%(count)s application(s) tie at the boundary; settle the tie (include or exclude all of them) first."),
                params={"count": len(undecided)},
            )
        for d in decisions:
            reasons[int(d.application)] = {
                "code": d.reason.value,
                "advances": d.outcome == Outcome.ADVANCES,
                "rank": d.rank,
                "value": d.value,
                "n": d.n,
                "threshold": d.threshold,
                "tier": d.tier,
                "tier_name": tier_names.get(d.tier or "", {}),
            }
    advanced = 0
    targets = {}
    for pk, entry in entries.items():
        reason = reasons.get(pk, {"code": "no_score", "advances": False})
        targets[pk] = EntryStatus.ADVANCED if reason["advances"] else EntryStatus.NOT_ADVANCED
        ENTRY_LIFECYCLE.check(entry.status, targets[pk])  # all checked before any is changed
    for pk, entry in entries.items():
        entry.reason = reasons.get(pk, {"code": "no_score", "advances": False})
        transition(entry, ENTRY_LIFECYCLE, targets[pk], actor=actor, data={"stage": stage.code}, also_update=("reason",))
        advanced += bool(entry.reason["advances"])
    # Advancing again (after a re-signed shortlist) replaces the next stage's entries.
    StageEntry.objects.filter(stage=following).exclude(
        application_id__in=[pk for pk, r in reasons.items() if r["advances"]]
    ).delete()
    present = set(StageEntry.objects.filter(stage=following).values_list("application_id", flat=True))
    StageEntry.objects.bulk_create(
        [StageEntry(stage=following, application_id=pk) for pk, r in reasons.items() if r["advances"] and pk not in present]
    )
    log_action(
        action="shenbao.review.stage_advanced",
        obj=stage,
        actor=actor,
        data={
            "to": following.code,
            "advanced": advanced,
            "not_advanced": len(entries) - advanced,
            **({"tier_counts": used} if used else {}),
        },
    )
    return AdvancementOutcome(advanced=advanced, not_advanced=len(entries) - advanced, next_stage=following)
