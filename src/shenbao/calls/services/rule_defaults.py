"""Rules a call takes from the platform rather than states: list them, and let program staff change them.

A call definition marks such settings in ``platform_defaults`` (a stage's aggregation, reviewers
per application and tie-break; the selection's tolerance for "about N").  Staff see them with a
"platform default" badge and may set the program's own value: that saves a new version of the
call definition through ``load_call_definition`` (so the one schema validates it, the version is
kept and audited), and the setting is no longer marked as the platform's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from shenbao.accounts.models import User
from shenbao.calls.definition.load import parse_definition, to_data
from shenbao.calls.definition.schema import CallDefinition, ReviewStage, StageKind
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.services.definitions import load_call_definition
from shenbao.core.audit import log_action

AGGREGATIONS = ("mean", "median", "trimmed_mean", "calibrated")
EARLIER_SUBMISSION = "earlier_submission"


@dataclass(frozen=True)
class RuleSetting:
    """One changeable setting: ``stage`` is a stage code ("" for the selection rules)."""

    stage: str
    setting: str  # aggregation | reviewers_per_application | tie_break | about_tolerance_percent
    value: str | int | None
    platform_default: bool


def _scoring(stage: ReviewStage) -> bool:
    return stage.kind != StageKind.FORMAL_CHECK and bool(stage.criteria)


def first_tie_break(stage: ReviewStage) -> str:
    """The first rule that orders equal scores: a criterion's code, or ``earlier_submission``."""
    if not stage.tie_break:
        return stage.criteria[0].code if stage.criteria else EARLIER_SUBMISSION
    first = stage.tie_break[0]
    return first.criterion or first.kind


def rule_settings(definition: CallDefinition) -> list[RuleSetting]:
    """The settings staff may change, each marked when it is the platform's default."""
    out: list[RuleSetting] = []
    for s in definition.review_stages:
        if not _scoring(s):
            continue
        marked = set(s.platform_defaults)
        out.append(RuleSetting(s.code, "aggregation", s.aggregation, "aggregation" in marked))
        out.append(
            RuleSetting(s.code, "reviewers_per_application", s.reviewers_per_application, "reviewers_per_application" in marked)
        )
        out.append(RuleSetting(s.code, "tie_break", first_tie_break(s), "tie_break" in marked))
    rules = definition.selection
    if "about_tolerance_percent" in rules.platform_defaults or any(
        d.quota is not None and d.quota.qualifier.value == "about" for d in definition.directions
    ):
        out.append(
            RuleSetting(
                "", "about_tolerance_percent", rules.about_tolerance_percent, "about_tolerance_percent" in rules.platform_defaults
            )
        )
    return out


def _tie_break(stage: dict[str, Any], first: str) -> list[dict[str, str]]:
    """The chosen criterion first, then the others in order, then the earlier submission."""
    codes = [c["code"] for c in stage.get("criteria", [])]
    if first == EARLIER_SUBMISSION:
        return [{"kind": EARLIER_SUBMISSION}]
    order = [first, *[c for c in codes if c != first]]
    return [*({"kind": "criterion_mean", "criterion": c} for c in order), {"kind": EARLIER_SUBMISSION}]


def _unmark(section: dict[str, Any], setting: str) -> None:
    marked = [m for m in section.get("platform_defaults", []) if m != setting]
    if marked:
        section["platform_defaults"] = marked
    else:
        section.pop("platform_defaults", None)


@transaction.atomic
def change_rule_settings(*, call: Call, actor: User, values: dict[tuple[str, str], str | int | None]) -> list[dict[str, Any]]:
    """Set the program's own values (``{(stage code or "", setting): value}``); return what changed.

    Values equal to the current ones change nothing (no new version, no audit entry).  A changed
    setting is no longer marked as the platform's default.  Invalid values are refused by the
    definition schema (``DefinitionInvalid``) before anything is written."""
    definition = current_definition(call)
    current = {(s.stage, s.setting): s.value for s in rule_settings(definition)}
    data = to_data(definition)
    stages = {s["code"]: s for s in data.get("review_stages", [])}
    changes: list[dict[str, Any]] = []
    for (stage_code, setting), value in sorted(values.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if (stage_code, setting) not in current or current[(stage_code, setting)] == value:
            continue
        changes.append({"stage": stage_code, "setting": setting, "from": current[(stage_code, setting)], "to": value})
        if stage_code == "":
            section = data.setdefault("selection", {})
            section[setting] = value
        else:
            section = stages[stage_code]
            if setting == "tie_break":
                section["tie_break"] = _tie_break(section, str(value))
            elif value is None:
                section.pop(setting, None)
            else:
                section[setting] = value
        _unmark(section, setting)
    if not changes:
        return []
    load_call_definition(definition=parse_definition(data), actor=actor, source="staff: platform defaults")
    log_action(action="shenbao.call.rule_defaults_changed", obj=call, actor=actor, data={"changes": changes})
    return changes
