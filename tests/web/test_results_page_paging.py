"""The staff results page at scale: one page of a run's candidates at a time, narrowed by outcome, with
the work per page fixed however many candidates the run has (a 20,000-application run was one 5 MB page)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shenbao.accounts.models import User
from shenbao.awards.models import SelectionRun
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import Call
from tests.e2e.test_selection_flow import ranked  # noqa: F401 - the seed-003 fixture

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-application="(\d+)"', html)


def _titles(html: str) -> list[str]:
    return re.findall(r"<td>\d+ · ([^<]+)</td>", html)


def test_the_filter_shows_the_selected_the_others_and_all(ranked: tuple[Call, User]) -> None:  # noqa: F811
    call, officer = ranked
    run_selection(call=call, actor=officer)
    client = Client()
    client.force_login(officer)
    page = f"/staff/calls/{call.code}/results/"
    everyone = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert sorted(_titles(everyone)) == sorted(["埃及甲", "埃及乙", "摩洛哥", "埃及丙", "肯尼亚"])
    selected = client.get(page + "?show=selected").content.decode()
    assert sorted(_titles(selected)) == sorted(["摩洛哥", "埃及丙", "肯尼亚"])
    assert 'data-show="selected"' in selected
    # The two left out are the reserves of 1.5 (埃及乙 is behind 埃及甲); none is simply not selected.
    reserves = client.get(page + "?show=reserve", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert _titles(reserves) == ["埃及甲", "埃及乙"]
    assert re.findall(r">候补第 (\d) 位</td>", reserves) == ["1", "2"]
    english = client.get(page + "?show=reserve", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.findall(r">Reserve (\d)</td>", english) == ["1", "2"]
    nobody = client.get(page + "?show=not_selected", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _rows(nobody) == [] and "No candidate is shown by this filter." in nobody
    chinese = client.get(page + "?show=not_selected", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "此筛选下没有候选申请。" in chinese
    # An unknown filter shows everyone.
    assert sorted(_titles(client.get(page + "?show=bogus").content.decode())) == sorted(_titles(everyone))


def test_a_reason_names_an_application_that_is_not_on_the_page(ranked: tuple[Call, User]) -> None:  # noqa: F811
    call, officer = ranked
    run_selection(call=call, actor=officer)
    client = Client()
    client.force_login(officer)
    html = client.get(f"/staff/calls/{call.code}/results/?show=reserve", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    reasons = " ".join(re.findall(r"<li>([^<]+)</li>", html))
    # The Egyptian candidates of 1.5 lose to the exclusivity won by 1.6's 埃及丙, which is not on this page.
    assert "埃及丙" in reasons


def test_candidates_are_paged_and_the_work_per_page_is_fixed(ranked: tuple[Call, User]) -> None:  # noqa: F811
    call, officer = ranked
    real = run_selection(call=call, actor=officer)
    # A run with 60 candidates (the real five, repeated), the newest: the page shows it first.
    big = SelectionRun.objects.create(
        call=call,
        status=real.status,
        inputs=real.inputs,
        result={**real.result, "explanations": real.result["explanations"] * 12},
        created_by=officer,
    )
    client = Client()
    client.force_login(officer)
    page = f"/staff/calls/{call.code}/results/?run={big.pk}"
    first = client.get(page + "&per=25").content.decode()
    assert len(_rows(first)) == 25
    assert 'data-total="60"' in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get(page + "&per=25&page=3").content.decode()
    assert len(_rows(last)) == 10 and 'rel="next"' not in last
    assert len(_rows(client.get(page + "&per=100").content.decode())) == 60

    def statements(per: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{page}&per={per}").status_code == 200
        return len(queries)

    assert statements(25) == statements(50)
