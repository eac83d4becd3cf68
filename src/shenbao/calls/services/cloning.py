"""Clone a call ("next year's edition", "batch 2"): a new draft call from an existing one's
definition, with a new code, year, batch and title and its timeline shifted by a number of days.

Only the timeline and the publication date move: other dates in the definition (an age limit's
birth date, a document's "signed before") mean something of their own and are listed on the
revision checklist (``calls.queries.revision``) for staff to confirm.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from shenbao.calls.definition.load import DefinitionInvalid, parse_definition
from shenbao.calls.enums import CallStatus
from shenbao.calls.errors import CallCodeExists, CloneInvalid
from shenbao.calls.messages import error_line
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition
from shenbao.core.audit import log_action

CLONED = "shenbao.call.cloned"
CLONE_MADE = "shenbao.call.clone_made"


def shift_value(value: Any, days: int) -> Any:
    """An ISO date or local date-time string moved by ``days``; anything else unchanged."""
    if not isinstance(value, str) or len(value) < 10:
        return value
    try:
        if "T" in value:
            return (dt.datetime.fromisoformat(value) + dt.timedelta(days=days)).isoformat(timespec="minutes")
        return (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
    except ValueError:
        return value


def shifted_definition(
    data: dict[str, Any],
    *,
    code: str,
    year: int,
    batch: int | None,
    title: dict[str, str],
    shift_days: int,
) -> dict[str, Any]:
    """The definition data of the new edition (plain data in, plain data out; the source is not changed)."""
    out = copy.deepcopy(data)
    call = out.setdefault("call", {})
    call["code"] = code
    call["year"] = year
    if batch is None:
        call.pop("batch", None)
    else:
        call["batch"] = batch
    call["title"] = {k: v for k, v in title.items() if v}
    call["status"] = CallStatus.DRAFT.value
    if "published_on" in call:
        call["published_on"] = shift_value(call["published_on"], shift_days)
    for item in out.get("timeline", []):
        for key in ("at", "start", "end"):
            if item.get(key):
                item[key] = shift_value(item[key], shift_days)
    return out


def opening_date(call: Call) -> dt.date | None:
    """The day the call opened: the timeline's opening, else its publication date."""
    for item in call.definition.get("timeline", []):
        if item.get("kind") == "opens":
            value = item.get("at") or item.get("start")
            if value:
                return dt.date.fromisoformat(str(value)[:10])
    if call.published_on is not None:
        return call.published_on
    return call.opens_at.date() if call.opens_at is not None else None


def same_day_in(day: dt.date, year: int) -> dt.date:
    """``day`` in ``year`` (29 February becomes the 28th in a common year)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def replace_year(text: str, old: int, new: int) -> str:
    return text.replace(str(old), str(new)) if old != new else text


@transaction.atomic
def clone_call(
    *,
    source: Call,
    code: str,
    year: int,
    batch: int | None,
    title: dict[str, str],
    shift_days: int,
    actor: Any,
    language: str = "zh-hans",
) -> Call:
    """A new draft call in the source's program from the source's definition, with its timeline shifted.

    Refused with ``CallCodeExists`` when the code is taken and ``CloneInvalid`` when the result does
    not validate; nothing is written then.  Audited on both calls."""
    code = code.strip()
    if Call.objects.filter(code=code).exists():
        raise CallCodeExists(code)
    data = shifted_definition(source.definition, code=code, year=year, batch=batch, title=title, shift_days=shift_days)
    try:
        definition = parse_definition(data)
    except DefinitionInvalid as exc:
        raise CloneInvalid([error_line(e, language) for e in exc.errors[:10]]) from exc
    try:
        with transaction.atomic():
            result = load_call_definition(definition=definition, actor=actor, source=f"cloned from {source.code}")
    except IntegrityError as exc:  # another clone took the code between the check and the insert
        raise CallCodeExists(code) from exc
    new = result.call
    facts = {"from": source.code, "to": new.code, "source_year": source.year, "year": year, "shift_days": shift_days}
    log_action(action=CLONED, obj=new, actor=actor, data=facts)
    log_action(action=CLONE_MADE, obj=source, actor=actor, data=facts)
    return new
