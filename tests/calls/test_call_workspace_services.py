"""Call lifecycle with its checks, cloning with a shifted timeline, and the revision checklist (issue 16)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation

from shenbao.calls.definition.load import parse_definition
from shenbao.calls.enums import CallStatus
from shenbao.calls.errors import CallChangedMeanwhile, CallCodeExists, CallNotReady, CloneInvalid
from shenbao.calls.models import Call
from shenbao.calls.queries.lifecycle import transition_options
from shenbao.calls.queries.revision import revision_checklist
from shenbao.calls.services.cloning import clone_call, opening_date, shift_value
from shenbao.calls.services.definitions import load_call_definition
from shenbao.calls.services.lifecycle import move_call
from shenbao.calls.services.status import change_call_status
from shenbao.core.audit import describe, describe_change
from shenbao.core.errors import InvalidTransition
from shenbao.core.models import AuditEntry
from tests.conftest import seed_data
from tests.factories import UserFactory

NOW = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)


def _draft_000(edit: Callable[[dict[str, Any]], None] | None = None, code: str = "draft-000") -> Call:
    """Seed 000 as a draft with a timeline ahead of NOW and without its 50 topics (the totals differ)."""
    data = seed_data("000")
    data["call"]["code"] = code
    data["call"]["status"] = "draft"
    data["timeline"] = [{"kind": "opens", "at": "2026-03-18T00:00"}, {"kind": "deadline", "at": "2026-04-01T00:00"}]
    if edit is not None:
        edit(data)
    return load_call_definition(definition=parse_definition(data)).call


def _status_entries(call: Call) -> list[AuditEntry]:
    return list(AuditEntry.objects.for_object(call).filter(action="shenbao.call.status_changed"))


@pytest.mark.django_db
def test_publication_checks_name_each_reason_before_the_click() -> None:
    call = _draft_000()
    with translation.override("en"):
        [option] = transition_options(call, now=NOW)
    assert option.target == CallStatus.PUBLISHED
    assert [(c.ok, c.acknowledgeable) for c in option.checks] == [(True, False), (True, False), (False, True), (True, False)]
    assert option.checks[1].text == "1 required document(s) are listed."
    assert option.checks[2].text == (
        "The directions do not add up to the document's totals: "
        "number of directions: the document states 50, the directions add up to 0."
    )
    assert not option.blocked and option.needs_acknowledgement
    assert not option.allowed(acknowledged=False) and option.allowed(acknowledged=True)


@pytest.mark.django_db
def test_reconciliation_difference_refused_unless_acknowledged_and_nothing_changes() -> None:
    call = _draft_000()
    officer = UserFactory()
    with pytest.raises(CallNotReady) as refused:
        move_call(call=call, to=CallStatus.PUBLISHED, expected=CallStatus.DRAFT, actor=officer, now=NOW)
    assert len(refused.value.reasons) == 1 and "50" in refused.value.reasons[0]
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT
    assert _status_entries(call) == []


@pytest.mark.django_db
def test_acknowledged_publication_is_audited_and_a_second_click_changes_nothing() -> None:
    call = _draft_000()
    officer = UserFactory()
    move_call(
        call=call,
        to=CallStatus.PUBLISHED,
        expected=CallStatus.DRAFT,
        actor=officer,
        acknowledge_reconciliation=True,
        reason="年度发布",
        now=NOW,
    )
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    [entry] = _status_entries(call)
    assert entry.actor == officer
    assert entry.data["from"] == "draft" and entry.data["to"] == "published" and entry.data["reason"] == "年度发布"
    assert len(entry.data["acknowledged"]) == 1
    with translation.override("zh-hans"):
        assert describe(entry) == "征集状态已变更。"
        assert describe_change(entry) == "草稿 → 已发布"

    with pytest.raises(CallChangedMeanwhile) as twice:
        move_call(
            call=call,
            to=CallStatus.PUBLISHED,
            expected=CallStatus.DRAFT,
            actor=officer,
            acknowledge_reconciliation=True,
            now=NOW,
        )
    with translation.override("en"):
        assert str(twice.value).startswith("The call is now “Published”, not “Draft” as the page showed")
    assert len(_status_entries(call)) == 1


@pytest.mark.django_db
def test_publication_refused_without_required_documents() -> None:
    def no_documents(data: dict[str, Any]) -> None:
        data["required_documents"] = []
        data["eligibility"] = [c for c in data["eligibility"] if c["rule"]["kind"] != "required_document"]
        data["stated_totals"]["directions"] = 0

    call = _draft_000(no_documents)
    [option] = transition_options(call, now=NOW)
    assert option.blocked
    with translation.override("en"):
        with pytest.raises(CallNotReady) as refused:
            move_call(call=call, to=CallStatus.PUBLISHED, expected=CallStatus.DRAFT, actor=UserFactory(), now=NOW)
        assert refused.value.reasons == ["The call lists no required document, so applicants would hand in nothing to check."]
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


@pytest.mark.django_db
def test_publication_refused_with_validation_errors_even_when_acknowledged() -> None:
    call = _draft_000()
    broken = dict(call.definition)
    broken["call"] = {**broken["call"], "year": "next year"}
    Call.objects.filter(pk=call.pk).update(definition=broken)  # a stored definition that no longer validates
    call.refresh_from_db()
    with translation.override("en"):
        [option] = transition_options(call, now=NOW)
        assert [c.ok for c in option.checks] == [False, True]  # the definition, then the deadline
        assert option.checks[0].text == "The definition has 1 validation error(s): call.year: Expected a whole number."
        with pytest.raises(CallNotReady):
            move_call(
                call=call,
                to=CallStatus.PUBLISHED,
                expected=CallStatus.DRAFT,
                actor=UserFactory(),
                acknowledge_reconciliation=True,
                now=NOW,
            )
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT


@pytest.mark.django_db
def test_publication_refused_after_the_deadline_and_a_transition_outside_the_table() -> None:
    call = _draft_000()
    later = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    [option] = transition_options(call, now=later)
    assert option.blocked
    with pytest.raises(CallNotReady):
        move_call(
            call=call, to=CallStatus.PUBLISHED, expected=CallStatus.DRAFT, actor=None, acknowledge_reconciliation=True, now=later
        )
    with pytest.raises(InvalidTransition):
        move_call(call=call, to=CallStatus.OPEN, expected=CallStatus.DRAFT, actor=None, now=NOW)
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT


@pytest.mark.django_db
def test_review_needs_the_call_closed_and_the_options_follow_the_table() -> None:
    call = _draft_000(lambda d: d["call"].update(status="open"))
    options = transition_options(call, now=NOW)
    assert [o.target for o in options] == [CallStatus.CLOSED]
    change_call_status(call=call, to=CallStatus.CLOSED)
    call.refresh_from_db()
    options = transition_options(call, now=timezone.now())
    assert [o.target for o in options] == [CallStatus.OPEN, CallStatus.IN_REVIEW]
    assert not options[1].blocked  # closed by staff: nobody can submit any more


@pytest.mark.django_db
def test_clone_seed_000_into_2026_shifts_the_timeline_and_keeps_the_source(load_seed: Callable[[str], Call]) -> None:
    source = load_seed("000")
    before = dict(source.definition)
    officer = UserFactory()
    assert opening_date(source) == dt.date(2025, 3, 18)
    new = clone_call(
        source=source,
        code="xiaomi-jbgs-2026",
        year=2026,
        batch=None,
        title={"zh-hans": "小米揭榜挂帅 — 2026 科研专项", "en": 'Xiaomi "Open Challenge" — 2026 Research Program'},
        shift_days=365,
        actor=officer,
    )
    assert (new.code, new.year, new.status, new.program_id) == ("xiaomi-jbgs-2026", 2026, CallStatus.DRAFT, source.program_id)
    assert new.published_on == dt.date(2026, 3, 18)
    assert [(i["kind"], i["at"]) for i in new.definition["timeline"]] == [
        ("opens", "2026-03-18T00:00:00"),
        ("deadline", "2026-04-01T00:00:00"),
    ]
    assert new.title["zh-hans"] == "小米揭榜挂帅 — 2026 科研专项"
    assert new.definition["eligibility"] == before["eligibility"]  # other dates are not moved
    source.refresh_from_db()
    assert source.definition == before and source.status == CallStatus.PUBLISHED
    cloned = AuditEntry.objects.for_object(new).get(action="shenbao.call.cloned")
    assert cloned.actor == officer
    assert cloned.data == {"from": source.code, "to": new.code, "source_year": 2025, "year": 2026, "shift_days": 365}
    assert AuditEntry.objects.for_object(source).filter(action="shenbao.call.clone_made").count() == 1


@pytest.mark.django_db
def test_clone_refuses_a_taken_code_and_an_invalid_result_writing_nothing(load_seed: Callable[[str], Call]) -> None:
    source = load_seed("000")
    calls, entries = Call.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CallCodeExists):
        clone_call(source=source, code=source.code, year=2026, batch=None, title={"zh-hans": "x"}, shift_days=0, actor=None)
    with pytest.raises(CloneInvalid) as invalid:
        clone_call(source=source, code="new-2026", year=2026, batch=None, title={"en": ""}, shift_days=0, actor=None)
    assert invalid.value.errors and invalid.value.errors[0].startswith("call.title")
    assert (Call.objects.count(), AuditEntry.objects.count()) == (calls, entries)


def test_shift_value_moves_dates_and_date_times_only() -> None:
    assert shift_value("2025-03-18", 365) == "2026-03-18"
    assert shift_value("2025-04-01T00:00:00", 3) == "2025-04-04T00:00"
    assert shift_value("not a date at all", 3) == "not a date at all"
    assert shift_value(7, 3) == 7


@pytest.mark.django_db
def test_revision_checklist_of_a_2026_clone(load_seed: Callable[[str], Call]) -> None:
    source = load_seed("000")
    new = clone_call(
        source=source,
        code="xiaomi-jbgs-2026",
        year=2026,
        batch=None,
        title={"zh-hans": "小米揭榜挂帅 — 2026 科研专项"},
        shift_days=368,  # opens on Saturday 21 March 2026
        actor=None,
    )
    with translation.override("en"):
        checklist = revision_checklist(new, language="en", now=NOW)
    sections = dict(checklist.sections)
    assert (checklist.source, checklist.source_year, checklist.shift_days) == ("xiaomi-jbgs-2025", 2025, 368)
    assert [(i.where, i.text) for i in sections["Dates on a weekend or a public holiday"]] == [
        ("timeline.0.at", "“Call guidelines published” falls on March 21, 2026, a weekend.")
    ]
    assert sections["Dates in the past"] == []
    mentions = [i.where for i in sections["Texts that still name the old year"]]
    assert "timeline.0.note.zh-hans" in mentions and "timeline.1.label.zh-hans" in mentions
    assert "call.title.zh-hans" not in mentions
    others = [i.where for i in sections["Other dates in the definition"]]
    assert "eligibility.0.rule.rules.0.rules.0.on_or_after" in others
    assert [i.where for i in sections["Quotas and budgets to confirm"]] == ["stated_totals"]

    with translation.override("en"):
        later = revision_checklist(new, language="en", now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert [i.where for i in dict(later.sections)["Dates in the past"]] == ["timeline.0.at", "timeline.1.at"]
