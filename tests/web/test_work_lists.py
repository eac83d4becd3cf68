"""The lists staff work with besides the application list (issue 16): the assignment board, the
agreements and the projects of a call — sorted by each column both ways, paged, filtered with the
filters kept in every link, the rows selected for a bulk action, and a query count that does not
grow with the number of rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shenbao.agreements.enums import AgreementStatus, DelayCause
from shenbao.agreements.models import Agreement
from shenbao.applications.models import Application
from shenbao.awards.models import Award, SelectionRun
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.projects.models import Project
from shenbao.reviews.models import Assignment, StageEntry
from tests.factories import UserFactory
from tests.reviews.search_fixtures import make_row

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def officer(xiaomi_call: Call) -> Any:
    user = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def _awarded(call: Call, receipt: str, *, status: str = AgreementStatus.PENDING, days: int = 10, project: str = "") -> Agreement:
    application = make_row(call, receipt=receipt, title=f"课题{receipt}", state="check_passed")
    award = Award.objects.create(
        call=call,
        application=application,
        run=SelectionRun.objects.create(call=call),
        direction=application.direction,
        amount_yuan=100,
    )
    agreement = Agreement.objects.create(award=award, status=status, deadline=dt.date(2027, 1, 1) + dt.timedelta(days=days))
    if project:
        Project.objects.create(
            agreement=agreement,
            title=f"项目{receipt}",
            start_date=dt.date(2027, 1, 1) + dt.timedelta(days=days),
            end_date=dt.date(2028, 1, 1),
            status=project,
        )
    return agreement


def _entered(call: Call, receipt: str, direction: str, reviewers: int) -> Application:
    application = make_row(call, receipt=receipt, direction=direction)
    stage = call.stages.first()
    assert stage is not None
    StageEntry.objects.create(stage=stage, application=application)
    for _ in range(reviewers):
        Assignment.objects.create(stage=stage, application=application, reviewer=UserFactory(), mode="manual")
    return application


def _ids(page: str, attribute: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'<tr data-{attribute}="(\d+)"', page)]


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers=EN).status_code == 200
    return len(queries.captured_queries)


def test_agreements_sort_page_filter_and_keep_the_filter(client: Client, officer: Any, xiaomi_call: Call) -> None:
    late = _awarded(xiaomi_call, "A-2", days=30)
    early = _awarded(xiaomi_call, "A-1", days=5)
    signed = _awarded(xiaomi_call, "A-3", status=AgreementStatus.SIGNED, days=1)
    client.force_login(officer)
    url = reverse("web:call_agreements", args=[xiaomi_call.code])
    page = client.get(url, headers=EN).content.decode()
    assert _ids(page, "agreement") == [signed.pk, early.pk, late.pk]  # by last day by default
    assert _ids(client.get(url + "?sort=-receipt").content.decode(), "agreement") == [signed.pk, late.pk, early.pk]
    assert _ids(client.get(url + "?sort=title").content.decode(), "agreement") == [early.pk, late.pk, signed.pk]
    filtered = client.get(url + "?status=pending&sort=-deadline", headers=EN).content.decode()
    assert _ids(filtered, "agreement") == [late.pk, early.pk]
    # Sort links keep the filter; the current column links to the reverse order.
    assert 'aria-sort="descending" class="sortable"><a href="?status=pending&amp;sort=deadline"' in filtered
    assert 'href="?status=pending&amp;sort=receipt" data-sort="receipt"' in filtered
    assert _ids(client.get(url + "?q=A-2").content.decode(), "agreement") == [late.pk]
    # Paging keeps the filter and the order.
    for i in range(26):
        _awarded(xiaomi_call, f"B-{i:02}", days=40 + i)
    first = client.get(url + "?status=pending&per=25", headers=EN).content.decode()
    assert 'data-total="28"' in first and len(_ids(first, "agreement")) == 25
    assert 'href="?status=pending&amp;per=25&amp;page=2" rel="next"' in first
    assert len(_ids(client.get(url + "?status=pending&per=25&page=2").content.decode(), "agreement")) == 3
    assert client.get(url + "?status=nonsense&sort=nonsense&per=7").status_code == 200


def test_selected_overdue_agreements_are_extended_together(client: Client, officer: Any, xiaomi_call: Call) -> None:
    a = _awarded(xiaomi_call, "X-1", status=AgreementStatus.OVERDUE)
    b = _awarded(xiaomi_call, "X-2", status=AgreementStatus.OVERDUE)
    no_cause = _awarded(xiaomi_call, "X-3", status=AgreementStatus.OVERDUE)
    Agreement.objects.filter(pk__in=[a.pk, b.pk]).update(delay_cause=DelayCause.FUNDER)
    client.force_login(officer)
    url = reverse("web:call_agreements_extend", args=[xiaomi_call.code])
    page = client.get(reverse("web:call_agreements", args=[xiaomi_call.code]), headers=EN).content.decode()
    assert "data-select-scope" in page and 'data-select="all"' in page and 'data-select="none"' in page
    response = client.post(
        url,
        {"agreement": [a.pk, b.pk, no_cause.pk], "deadline": "2030-06-30", "reason": "财务延误", "query": "status=overdue"},
        headers=EN,
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("/agreements/?status=overdue")
    text = response.content.decode()
    assert "2 agreement(s) extended." in text and "X-3: " in text
    assert {x.pk: (x.status, x.deadline) for x in Agreement.objects.filter(pk__in=[a.pk, b.pk])} == {
        a.pk: (AgreementStatus.PENDING, dt.date(2030, 6, 30)),
        b.pk: (AgreementStatus.PENDING, dt.date(2030, 6, 30)),
    }
    assert Agreement.objects.get(pk=no_cause.pk).status == AgreementStatus.OVERDUE
    assert AuditEntry.objects.filter(action="shenbao.agreement.extended").count() == 2
    # Nothing selected, or no date: refused, nothing changed.
    response = client.post(url, {"deadline": "2030-06-30", "reason": "x"}, headers=EN, follow=True)
    assert "Select at least one agreement." in response.content.decode()
    response = client.post(url, {"agreement": [no_cause.pk], "deadline": "", "reason": "x"}, headers=EN, follow=True)
    assert "Give the new last day as a date." in response.content.decode()


def test_projects_sort_page_and_filter(client: Client, officer: Any, xiaomi_call: Call) -> None:
    b = _awarded(xiaomi_call, "P-2", project="active", days=1).project
    a = _awarded(xiaomi_call, "P-1", project="active", days=9).project
    done = _awarded(xiaomi_call, "P-3", project="completed", days=5).project
    client.force_login(officer)
    url = reverse("web:call_projects", args=[xiaomi_call.code])
    assert _ids(client.get(url).content.decode(), "project") == [a.pk, b.pk, done.pk]
    assert _ids(client.get(url + "?sort=-start").content.decode(), "project") == [a.pk, done.pk, b.pk]
    page = client.get(url + "?status=active&sort=start", headers=EN).content.decode()
    assert _ids(page, "project") == [b.pk, a.pk]
    assert 'href="?status=active&amp;sort=-start"' in page
    assert _ids(client.get(url + "?q=项目P-3").content.decode(), "project") == [done.pk]


def test_board_sorts_pages_filters_and_locks_the_selected(client: Client, officer: Any, xiaomi_call: Call) -> None:
    one = _entered(xiaomi_call, "S-2", "XM-T1", reviewers=1)
    two = _entered(xiaomi_call, "S-1", "XM-T2", reviewers=0)
    three = _entered(xiaomi_call, "S-3", "XM-T1", reviewers=2)
    stage = xiaomi_call.stages.first()
    assert stage is not None
    client.force_login(officer)
    url = reverse("web:stage_board", args=[stage.pk])
    assert _ids(client.get(url + "?sort=receipt").content.decode(), "application")[:3] == [two.pk, one.pk, three.pk]
    assert _ids(client.get(url + "?sort=-reviewers").content.decode(), "application")[:3] == [three.pk, one.pk, two.pk]
    page = client.get(url + "?direction=XM-T1&sort=-receipt", headers=EN).content.decode()
    assert _ids(page, "application")[:2] == [three.pk, one.pk] and two.pk not in _ids(page, "application")
    assert 'href="?direction=XM-T1&amp;sort=receipt"' in page
    short = client.get(url + "?short=1&sort=receipt").content.decode()
    assert two.pk in _ids(short, "application")
    response = client.post(
        reverse("web:stage_bulk_lock", args=[stage.pk]),
        {"application": [one.pk, three.pk], "action": "lock", "query": "direction=XM-T1"},
        headers=EN,
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("/board/?direction=XM-T1")
    assert "3 assignment(s) changed." in response.content.decode()
    assert set(Assignment.objects.filter(stage=stage, locked=True).values_list("application_id", flat=True)) == {one.pk, three.pk}


def test_work_list_query_counts_do_not_grow_with_rows(client: Client, officer: Any, xiaomi_call: Call) -> None:
    stage = xiaomi_call.stages.first()
    assert stage is not None
    _awarded(xiaomi_call, "Q-0", project="active")
    _entered(xiaomi_call, "E-0", "XM-T1", reviewers=1)
    urls = [
        reverse("web:call_agreements", args=[xiaomi_call.code]) + "?sort=-title",
        reverse("web:call_projects", args=[xiaomi_call.code]) + "?sort=budget",
        reverse("web:stage_board", args=[stage.pk]) + "?sort=-short",
    ]
    client.force_login(officer)
    one = [_count(client, url) for url in urls]
    for i in range(1, 6):
        _awarded(xiaomi_call, f"Q-{i}", project="active")
        _entered(xiaomi_call, f"E-{i}", "XM-T2", reviewers=2)
    assert [_count(client, url) for url in urls] == one
