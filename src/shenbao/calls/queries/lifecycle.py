"""What each status change of a call checks, with the reasons, asked by the staff page *before* the
click and by ``calls.services.lifecycle.move_call`` again under the row lock.

A check either passes, fails (the change is refused) or fails in a way staff may acknowledge (a
reconciliation difference: the document's totals and the directions disagree, which sometimes is
what the funder wrote).  Checks that need later apps (awards for a decision) are not made here:
the dependency rule keeps ``calls`` below them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from shenbao.calls.definition.load import DefinitionInvalid, ReconciliationLine, parse_definition
from shenbao.calls.definition.schema import CallDefinition, FieldType
from shenbao.calls.enums import CallStatus
from shenbao.calls.messages import error_line
from shenbao.calls.models import Call
from shenbao.calls.queries.readiness import submissions_closed
from shenbao.calls.queries.reconciliation import reconciliation_summary
from shenbao.calls.queries.window import deadline_text
from shenbao.calls.transitions import CALL_LIFECYCLE, CALL_TRANSITIONS

#: The order in which the page offers the changes (forward first, then the way back).
_ORDER = [
    CallStatus.PUBLISHED,
    CallStatus.OPEN,
    CallStatus.CLOSED,
    CallStatus.IN_REVIEW,
    CallStatus.DECIDED,
    CallStatus.ARCHIVED,
    CallStatus.DRAFT,
]

#: How many definition errors a check names before "and N more".
_MAX_ERRORS = 5


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str  # in the reader's language
    acknowledgeable: bool = False  # a failure staff may accept by ticking a box


@dataclass(frozen=True)
class TransitionOption:
    target: str
    label: str
    checks: list[Check] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(not c.ok and not c.acknowledgeable for c in self.checks)

    @property
    def needs_acknowledgement(self) -> bool:
        return any(not c.ok and c.acknowledgeable for c in self.checks)

    def allowed(self, *, acknowledged: bool) -> bool:
        return not self.blocked and (acknowledged or not self.needs_acknowledgement)

    def failures(self, *, acknowledged: bool) -> list[str]:
        return [c.text for c in self.checks if not c.ok and not (c.acknowledgeable and acknowledged)]


def _definition_check(call: Call, language: str) -> tuple[Check, CallDefinition | None]:
    try:
        definition = parse_definition(call.definition)
    except DefinitionInvalid as exc:
        lines = [error_line(e, language) for e in exc.errors[:_MAX_ERRORS]]
        more = len(exc.errors) - len(lines)
        text = _("The definition has %(count)s validation error(s): %(errors)s") % {
            "count": len(exc.errors),
            "errors": "; ".join(lines) + (_(" … and %(more)s more.") % {"more": more} if more else ""),
        }
        return Check(False, text), None
    return Check(True, _("The definition validates.")), definition


def _line_text(line: ReconciliationLine) -> str:
    measure = {
        "directions": _("number of directions"),
        "projects": _("number of projects"),
        "budget_yuan": _("budget (yuan)"),
    }.get(line.measure, line.measure)
    if line.missing:
        return _("%(measure)s: %(count)s direction(s) give no value (%(codes)s).") % {
            "measure": measure,
            "count": len(line.missing),
            "codes": ", ".join(line.missing[:10]),
        }
    return _("%(measure)s: the document states %(stated)s, the directions add up to %(summed)s.") % {
        "measure": measure,
        "stated": _number(line.stated),
        "summed": _number(line.summed),
    }


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _reconciliation_check(definition: CallDefinition) -> Check:
    summary = reconciliation_summary(definition)
    if not summary.lines:
        return Check(True, _("The call states no totals to reconcile with its directions."))
    # A stated total without a number ("several per topic") cannot disagree; only lines with a number count.
    differing = [line for line in summary.lines if line.stated is not None and not line.matches]
    if not differing:
        return Check(True, _("The directions add up to the totals the document states."))
    return Check(
        False,
        _("The directions do not add up to the document's totals: %(lines)s")
        % {"lines": " ".join(_line_text(line) for line in differing)},
        acknowledgeable=True,
    )


def _documents_check(definition: CallDefinition) -> Check:
    # A required file field of the form is a document handed in too (kept as an attachment under its code).
    required = [d.code for d in definition.required_documents if d.required]
    required += [f.code for f in definition.form if f.required and f.type == FieldType.FILE]
    if not required:
        return Check(False, _("The call lists no required document, so applicants would hand in nothing to check."))
    return Check(True, _("%(count)s required document(s) are listed.") % {"count": len(required)})


def _deadline_check(call: Call, now: dt.datetime) -> Check:
    if call.deadline_tentative:
        return Check(True, _("The deadline is still to be set; it is shown as provisional."))
    if call.deadline <= now:
        return Check(
            False,
            _("The deadline (%(deadline)s) has passed: shift the timeline first.")
            % {"deadline": deadline_text(call, call.deadline)},
        )
    return Check(True, _("The deadline (%(deadline)s) is ahead.") % {"deadline": deadline_text(call, call.deadline)})


def transition_checks(call: Call, target: str, *, now: dt.datetime | None = None, language: str = "") -> list[Check]:
    """The checks for moving ``call`` to ``target`` (an empty list when there is nothing to check)."""
    now = now or timezone.now()
    language = language or _language()
    if target == CallStatus.PUBLISHED:
        valid, definition = _definition_check(call, language)
        checks = [valid]
        if definition is not None:
            checks += [_documents_check(definition), _reconciliation_check(definition)]
        return [*checks, _deadline_check(call, now)]
    if target == CallStatus.OPEN:
        return [_definition_check(call, language)[0], _deadline_check(call, now)]
    if target == CallStatus.IN_REVIEW:
        ready = submissions_closed(call, now)
        return [Check(ready.ready, ready.reason or _("No one can submit any more."))]
    if target == CallStatus.CLOSED:
        return [Check(True, _("Applicants can no longer submit; drafts are kept."))]
    if target == CallStatus.DRAFT:
        return [Check(True, _("The call leaves the public list until it is published again."))]
    return []


def transition_options(call: Call, *, now: dt.datetime | None = None) -> list[TransitionOption]:
    """Every change the transition table allows from the call's status, each with its checks."""
    targets = CALL_TRANSITIONS.get(call.status, frozenset())
    language = _language()
    return [
        TransitionOption(
            target=str(t), label=CALL_LIFECYCLE.label(t), checks=transition_checks(call, t, now=now, language=language)
        )
        for t in _ORDER
        if t in targets
    ]


def _language() -> str:
    from django.utils import translation

    return translation.get_language() or "zh-hans"
