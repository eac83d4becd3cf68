"""Award and selection-run states change only through their declared tables (issue 13), with one audit
entry per object; "publish the results, then open the agreements" is one service the web page and the
demo call."""

from __future__ import annotations

import datetime as dt

from shenbao.agreements.models import Agreement
from shenbao.agreements.services.stages import publish_results_and_open_agreements
from shenbao.awards.enums import AwardStatus, RunStatus
from shenbao.awards.models import Award, SelectionRun
from shenbao.awards.services.decisions import approve_run, close_notice
from shenbao.awards.services.selection import run_selection
from shenbao.core.models import AuditEntry
from tests.e2e.test_agreement_flow import BEIJING, awarded_call

PUBLISHED = dt.datetime(2025, 9, 26, 16, 0, tzinfo=BEIJING)


def test_publishing_and_closing_the_notice_go_through_the_award_table(db: None) -> None:
    world = awarded_call("glue-000", None)
    call, officer = world["call"], world["officer"]
    notice, opened = publish_results_and_open_agreements(call=call, actor=officer, now=PUBLISHED)
    assert opened == 2 and notice.starts_at == PUBLISHED
    assert set(Agreement.objects.values_list("deadline", flat=True)) == {dt.date(2025, 11, 13)}
    awarded = sorted(str(a.application_id) for a in Award.objects.filter(call=call))
    published = AuditEntry.objects.filter(action="shenbao.award.published").order_by("object_id")
    assert [(e.object_id, e.data["from"], e.data["to"], e.actor) for e in published] == [
        (pk, "approved", "published", officer) for pk in awarded
    ]
    close_notice(call=call, actor=officer, now=notice.ends_at)
    assert sorted(AuditEntry.objects.filter(action="shenbao.award.final").values_list("object_id", flat=True)) == awarded
    assert set(Award.objects.filter(call=call).values_list("status", flat=True)) == {AwardStatus.FINAL}


def test_approving_a_new_selection_supersedes_the_earlier_one_through_the_run_table(db: None) -> None:
    world = awarded_call("supersede-000", None)
    call, officer = world["call"], world["officer"]
    first = SelectionRun.objects.get(call=call, status=RunStatus.APPROVED)
    approve_run(run=run_selection(call=call, actor=officer), actor=officer)
    first.refresh_from_db()
    assert first.status == RunStatus.SUPERSEDED
    entry = AuditEntry.objects.get(action="shenbao.selection.superseded")
    assert (entry.object_id, entry.data["object"], entry.data["from"], entry.actor) == (
        str(call.pk),
        first.pk,
        "approved",
        officer,
    )
