"""The selection optimiser's reason and conflict codes in words, with their numbers (both languages)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shenbao.core import present


def reason_text(
    reason: dict[str, Any], titles: dict[int, str], *, pool: str = "", tier_names: dict[str, str] | None = None
) -> str:
    """One reason of an explanation, e.g. "rank 7 in 2.2, quota 6" or "rank 4 of the National finals;
    Second prize, 2 places".  ``pool`` names the call-wide ranking (its stage) where the group is the
    whole call; ``tier_names`` are the prize tiers' names in the reader's language."""
    others = "、".join(titles.get(int(o), str(o)) for o in reason.get("others") or [] if str(o).isdecimal())
    n = {k: ("" if v is None else v) for k, v in reason.items()}
    names = tier_names or {}
    call_wide = reason.get("group") == ""
    n["pool"] = pool or _("the call-wide ranking")
    n["tier"] = names.get(str(reason.get("tier") or ""), str(reason.get("tier") or ""))
    n["places"] = ("、" if (get_language() or "").startswith("zh") else ", ").join(
        f"{names.get(str(t), str(t))} {'' if c is None else c}".strip() for t, c in reason.get("tier_places") or []
    )
    code = reason.get("code")
    if code == "selected":
        if reason.get("tier"):
            if reason.get("limit") is None:
                return (_("Rank %(rank)s of %(pool)s; %(tier)s") if call_wide else _("Rank %(rank)s in %(group)s; %(tier)s")) % n
            return (
                _("Rank %(rank)s of %(pool)s; %(tier)s, %(limit)s place(s)")
                if call_wide
                else _("Rank %(rank)s in %(group)s; %(tier)s, %(limit)s place(s)")
            ) % n
        if call_wide:
            return _("Rank %(rank)s of %(pool)s") % n
        return (
            _("Rank %(rank)s in %(group)s, within the quota") % n
            if reason.get("quota") is None
            else _("Rank %(rank)s in %(group)s, quota %(quota)s") % n
        )
    if code == "direction_quota_full":
        return _("%(group)s already has its %(quota)s award(s)") % n
    if code == "pinned":
        return _("Selected by staff (pinned)")
    if code == "tie_broken_by_position":
        return _("Level with %(others)s; the ranking's order decided") % {"others": others}
    if code == "excluded_by_staff":
        return _("Excluded by staff")
    if code == "quota_full":
        return _("Rank %(rank)s in %(group)s, quota %(quota)s") % n
    if code == "group_budget":
        return _("Budget left in %(group)s: %(left)s, request %(request)s") % {
            "group": n["group"],
            "left": present.money(reason.get("left_yuan")),
            "request": present.money(reason.get("request_yuan")),
        }
    if code == "total_budget":
        return _("Budget left in the call: %(left)s, request %(request)s") % {
            "left": present.money(reason.get("left_yuan")),
            "request": present.money(reason.get("request_yuan")),
        }
    if code == "cap_taken":
        return _("The limit of %(limit)s per %(key)s is taken by %(others)s") % {
            "limit": n["limit"],
            "key": n["key"],
            "others": others,
        }
    if code == "exclusivity":
        return _("%(key)s already wins through %(group)s with %(others)s") % {
            "key": n["key"],
            "group": n["other_group"],
            "others": others,
        }
    if code == "tiers_full":
        if call_wide:
            return _("Rank %(rank)s of %(pool)s; every prize place is taken (%(places)s)") % n
        return _("Rank %(rank)s in %(group)s; every prize place is taken (%(places)s)") % n
    if code == "not_tier_eligible":
        return _("Not eligible for the remaining prize tiers")
    if code == "not_proven":
        return _("The solver stopped before proving the optimum")
    if code == "infeasible":
        return _("The rules have no solution; nothing was selected")
    return str(code)


def conflict_text(conflict: dict[str, Any]) -> str:
    """Why a rule set has no solution, naming the group and the rule."""
    n = {k: ("" if v is None else v) for k, v in conflict.items()}
    texts = {
        "unknown_group": _("Unknown direction %(group)s"),
        "pin_excluded": _("Application %(application)s is both pinned and excluded"),
        "pin_not_fundable": _("Pinned application %(application)s alone exceeds a budget"),
        "quota_below_pins": _("%(group)s: more pinned applications than the quota %(limit)s"),
        "quota_unreachable": _("%(group)s: the quota needs %(needed)s awards but only %(limit)s applications can be selected"),
        "budget_below_pins": _("%(group)s: the pinned applications exceed the budget"),
        "total_budget_below_pins": _("The pinned applications exceed the call's budget"),
        "cap_below_pins": _("%(key)s: more pinned applications than the limit %(limit)s"),
        "exclusivity_pins": _("%(key)s: pinned in more than one exclusive direction"),
        "tiers_below_pins": _("%(group)s: more pinned applications than prize places"),
        "rule_in_conflict": _("%(group)s: the rule “%(rule)s” cannot hold together with the others"),
    }
    if conflict.get("code") == "rule_in_conflict" and conflict.get("rule") == "quota_lower":
        return _("%(group)s: the call's minimum of %(limit)s award(s) cannot hold together with the other rules") % n
    text = texts.get(str(conflict.get("code")))
    return text % n if text else str(conflict.get("code"))


def quota_text(shortfall: dict[str, Any]) -> tuple[str, str]:
    """A shortfall's quota and its qualifier in words, e.g. ("10 ± 1", "about")."""
    n = {k: ("" if v is None else v) for k, v in shortfall.items()}
    kind = shortfall.get("kind")
    number = _("%(target)s ± %(tolerance)s") % n if kind == "about" and shortfall.get("tolerance") else str(n["target"])
    qualifiers = {
        "exact": _("as stated (at most)"),
        "about": _("about"),
        "at_most": _("at most"),
        "at_least": _("at least"),
        "range": _("up to"),
        "unspecified": _("not stated"),
    }
    qualifier = str(qualifiers.get(str(kind), str(kind)))
    if shortfall.get("minimum"):
        qualifier = _("%(qualifier)s; a minimum of %(minimum)s set by the call") % {
            "qualifier": qualifier,
            "minimum": shortfall["minimum"],
        }
    return number, qualifier


def shortfall_causes(shortfall: dict[str, Any]) -> list[str]:
    """Why a direction selected fewer than its quota, each cause with its numbers."""
    n = {k: ("" if v is None else v) for k, v in shortfall.items()}
    n["excluded"] = int(shortfall.get("ranked") or 0) - int(shortfall.get("available") or 0)
    blocked = {
        "group_budget": _("the direction's budget"),
        "total_budget": _("the call's budget"),
        "cap_taken": _("a limit per partner country or institution"),
        "exclusivity": _("exclusive directions"),
        "tiers_full": _("the prize places"),
        "not_tier_eligible": _("prize-tier eligibility"),
        "not_proven": _("the solver stopped before proving the optimum"),
    }
    out = []
    for cause in shortfall.get("causes") or []:
        if cause == "no_applications":
            out.append(_("No application was ranked in this direction"))
        elif cause == "fewer_ranked":
            out.append(_("Only %(ranked)s application(s) ranked against a quota of %(target)s") % n)
        elif cause == "excluded_by_staff":
            out.append(_("Staff excluded %(excluded)s application(s); %(available)s can be selected") % n)
        elif cause == "within_tolerance":
            out.append(_("Within the tolerance of “about %(target)s” (± %(tolerance)s)") % n)
        elif cause == "blocked":
            rules = ("、" if (get_language() or "").startswith("zh") else ", ").join(
                str(blocked.get(str(c), str(c))) for c in shortfall.get("blocked_by") or []
            )
            out.append(_("The other ranked applications are held back by %(rules)s") % {"rules": rules})
        else:
            out.append(str(cause))
    return out
