"""The review algorithms' codes in words (both languages): shortfalls, flags, advancement reasons."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shenbao.core.text import text_get

SHORTFALL_TEXTS: dict[str, Promise] = {
    "too_few_eligible": _("Too few experts without a conflict of interest"),
    "load_caps": _("The eligible experts have reached their load limits"),
    "not_assigned": _("Not assigned yet"),
}

REASON_TEXTS: dict[str, Promise] = {
    "within_top_n": _("Within the top %(n)s"),
    "outside_top_n": _("Outside the top %(n)s"),
    "tie_at_top_n_boundary": _("Tied at the boundary of the top %(n)s"),
    "at_or_above_threshold": _("At or above the threshold %(threshold)s"),
    "below_threshold": _("Below the threshold %(threshold)s"),
    "won_tier": _("Won the prize tier %(tier)s"),
    "not_in_tier": _("Prize tier %(tier)s, which does not advance"),
    "no_prize": _("No prize"),
    "tie_at_tier_boundary": _("Tied at a prize-tier boundary"),
    "no_score": _("No submitted review"),
    "signed_off": _("On the shortlist signed by the chair"),
    "not_signed_off": _("Not on the shortlist signed by the chair"),
}


def flag_texts() -> dict[str, Promise]:
    return {
        "no_reviews": _("No submitted review"),
        "trimmed_mean_fell_back_to_mean": _("Fewer than 3 reviews: plain mean"),
        "disagreement": _("Reviewers disagree"),
        "uncalibrated_reviewer": _("A reviewer with a single review (not calibrated)"),
        "zero_variance_reviewer": _("A reviewer who gave everyone the same total"),
        "confidence_defaulted": _("A review without confidence (counted as 3)"),
    }


def reason_text(reason: dict[str, object]) -> str:
    template = REASON_TEXTS.get(str(reason.get("code", "")))
    if template is None:
        return str(reason.get("code", ""))
    values = {k: ("" if v is None else v) for k, v in reason.items()}
    if reason.get("tier_name"):
        values["tier"] = text_get(reason["tier_name"], get_language())  # type: ignore[arg-type]
    return str(template) % values


def tie_rule_text(kind: str, criterion_name: str | None = None) -> str:
    """Which rule ordered applications with equal scores, for the ranking page."""
    if kind == "higher_criterion_mean":
        return str(_("Tie broken by the higher mean on “%(criterion)s”")) % {"criterion": criterion_name or ""}
    if kind == "more_reviews":
        return str(_("Tie broken by the larger number of reviews"))
    if kind == "earlier_submission":
        return str(_("Tie broken by the earlier submission"))
    return kind
