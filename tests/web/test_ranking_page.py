"""The staff ranking page grows linearly and is paged (issue 18).

It used to loop, for every row, over dicts holding one entry per application (tie texts, reasons,
prize tiers): 2,000 applications took 35 s.  These tests fix the work per row: the same number of
queries whatever the stage's size, and a constant number of template variable lookups per rendered
row — a loop over the whole stage inside a row makes the lookups per row grow and fails them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.template import base as template_base
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shenbao.accounts.models import User
from shenbao.calls.models import Call, ReviewStage
from shenbao.reviews.services.entries import open_stage
from tests.applications.fixtures import close_submissions, open_call
from tests.reviews.bulk import seed_reviewed_stage

pytestmark = pytest.mark.django_db

ROW = re.compile(rb'<tr data-application="(\d+)" data-rank="(\d*)"')


@contextmanager
def counting_lookups() -> Iterator[list[int]]:
    """Counts every template variable lookup (``{{ a.b }}``, ``{% if a == b %}``…) while rendering."""
    counter = [0]
    original = template_base.Variable._resolve_lookup

    def counted(self: Any, context: Any) -> Any:
        counter[0] += 1
        return original(self, context)

    template_base.Variable._resolve_lookup = counted  # type: ignore[method-assign]
    try:
        yield counter
    finally:
        template_base.Variable._resolve_lookup = original  # type: ignore[method-assign]


def stage_of(size: int, officer: User, code: str, *, level: bool = False) -> ReviewStage:
    call: Call = open_call("000", code=code)
    from shenbao.calls.enums import ProgramRoleKind
    from shenbao.calls.services.roles import grant_program_role

    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    close_submissions(call)
    stage = ReviewStage.objects.get(call=call, code="expert-committee")
    open_stage(stage=stage, actor=officer)
    seed_reviewed_stage(call, stage, applications=size, level=level)
    return stage


@pytest.fixture
def staff_client(db: None) -> tuple[Client, User]:
    from shenbao.accounts.services.accounts import register_user

    user = register_user(email="ranking-officer@example.com", password="pass-Word-123", name="项目主管")
    client = Client()
    client.force_login(user)
    return client, user


def measure(client: Client, stage: ReviewStage, query: str = "?per=200") -> tuple[int, int, int, bytes]:
    """(queries, template lookups, rows rendered, page) of one ranking page."""
    url = f"/staff/stages/{stage.pk}/ranking/{query}"
    client.get(url)  # warm the caches that are not per request (translations, templates)
    with CaptureQueriesContext(connection) as queries, counting_lookups() as lookups:
        response = client.get(url)
    assert response.status_code == 200
    rows = len(ROW.findall(response.content))
    return len(queries.captured_queries), lookups[0], rows, response.content


def test_ranking_page_work_per_row_is_constant_whatever_the_stage_size(staff_client: tuple[Client, User]) -> None:
    client, officer = staff_client
    # Level scores: every row has a tie note and an advancement reason, the most a row shows.
    small = measure(client, stage_of(20, officer, "rank-20", level=True))
    large = measure(client, stage_of(60, officer, "rank-60", level=True))
    assert (small[2], large[2]) == (20, 60)
    assert large[3].count("同分时按提交较早者排前".encode()) >= 59  # all tied: every row but the first notes it
    assert small[0] == large[0], "the query count grows with the stage"
    per_row = (large[1] - small[1]) / (large[2] - small[2])
    # About 30 lookups make one row (its cells, flags and notes).  A loop over one entry per
    # application inside a row adds at least one lookup per application per row: 60 here.
    assert per_row <= 45, per_row


def test_ranking_page_is_paged_in_rank_order(staff_client: tuple[Client, User]) -> None:
    client, officer = staff_client
    stage = stage_of(60, officer, "rank-60")
    _, _, first_rows, first = measure(client, stage, "")
    _, _, second_rows, second = measure(client, stage, "?page=2")
    assert (first_rows, second_rows) == (50, 10)  # the staff lists' default page size
    assert b'data-total="60"' in first
    assert b'rel="next"' in first and b'rel="prev"' in second
    shown = [(int(a), int(r) if r else None) for a, r in ROW.findall(first) + ROW.findall(second)]
    assert len({a for a, _ in shown}) == 60  # every application once over the two pages
    # Within each direction the ranks never go down from one row to the next, across the pages too.
    sections = re.findall(rb'<section class="ranking" data-direction="([^"]*)"', first + second)
    # XM-T1's 30 rows and 20 of XM-T2's fill the first page; XM-T2's last 10 the second.
    assert sections == [b"XM-T1", b"XM-T2", b"XM-T2"]
    ranks = [r for _, r in shown]
    assert ranks[:30] == sorted(ranks[:30]) and ranks[30:] == sorted(ranks[30:])


def test_assignment_board_pages_its_coverage_table_with_a_constant_query_count(staff_client: tuple[Client, User]) -> None:
    client, officer = staff_client
    counts = []
    for size in (20, 60):
        stage = stage_of(size, officer, f"board-{size}")
        url = f"/staff/stages/{stage.pk}/board/"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content
        counts.append(len(queries.captured_queries))
        assert page.count(b'<tr data-application="') == min(size, 50)
        assert f'data-total="{size}"'.encode() in page
    assert counts[0] == counts[1]
