"""The staff statistics dashboard (exact figures, who may see it, constant queries) and the public
summary on the results page (nothing before publication, then only published awards, no names)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from shenbao.accounts.services.accounts import register_user
from shenbao.awards.models import Award, SelectionRun
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from tests.awards.statistics_fixtures import BuiltCall, build_call, publish
from tests.factories import UserFactory, api_token_key
from tests.reviews.fixtures import add_expert, checked_application


@pytest.fixture
def built(load_seed: Callable[[str], Call]) -> BuiltCall:
    return build_call(load_seed)


def stat(html: str, key: str, name: str) -> str:
    """The text of the cell ``data-stat=name`` in the row ``data-key=key`` (or the totals when key is None)."""
    row = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert row is not None, key
    cell = re.search(rf'data-stat="{name}">([^<]*)<', row.group(1))
    assert cell is not None, (key, name)
    return cell.group(1).strip()


def total(html: str, name: str) -> str:
    cell = re.search(rf'<dd data-stat="{name}">([^<]*)</dd>', html)
    assert cell is not None, name
    return cell.group(1)


def test_the_dashboard_shows_the_exact_figures_with_charts_and_downloads(built: BuiltCall, client: Client) -> None:
    client.force_login(built.officer)
    html = client.get(f"/staff/calls/{built.call.code}/statistics/").content.decode()
    assert [total(html, n) for n in ("received", "waiting", "passed", "failed", "withdrawn", "pass-rate", "awards")] == [
        "7",
        "1",
        "4",
        "1",
        "1",
        "80%",
        "3",
    ]
    assert total(html, "money") == "550 万元" and total(html, "revoked") == "1"
    assert [stat(html, "1.5", n) for n in ("received", "passed", "failed", "pass-rate", "awards", "money")] == [
        "3",
        "2",
        "1",
        "66.7%",
        "2",
        "500 万元",
    ]
    assert stat(html, "1.6", "awards") == "1" and "（1 项已撤销）" in html
    peking = str(built.organisations["北大"].pk)
    assert (stat(html, peking, "received"), stat(html, peking, "money")) == ("2", "500 万元")
    assert [stat(html, c, "awards") for c in ("EG", "MA", "KE")] == ["3", "1", "0"]
    assert "埃及" in html and "按合作国家" in html  # country names and headings in Chinese
    assert 'class="bar awards" style="width: 100%"' in html  # the largest bar fills the cell
    for kind in ("statistics", "awards", "projects"):
        assert f"/staff/calls/{built.call.code}/exports/{kind}.xlsx" in html
    client.cookies["django_language"] = "en"
    english = client.get(f"/staff/calls/{built.call.code}/statistics/").content.decode()
    assert "By partner country" in english and "Egypt" in english and total(english, "money") == "CNY 5,500,000"


def test_the_dashboard_is_linked_from_the_staff_pages(built: BuiltCall, client: Client) -> None:
    client.force_login(built.officer)
    link = f'href="/staff/calls/{built.call.code}/statistics/"'
    assert link in client.get("/staff/").content.decode()
    assert link in client.get(f"/staff/calls/{built.call.code}/results/").content.decode()
    assert link in client.get(f"/staff/calls/{built.call.code}/formal-check/").content.decode()


def test_the_dashboard_of_a_call_without_applications_says_so(load_seed: Callable[[str], Call], client: Client) -> None:
    call = load_seed("001")
    client.force_login(UserFactory(is_superuser=True))
    html = client.get(f"/staff/calls/{call.code}/statistics/").content.decode()
    assert "尚无已提交的申请" in html and total(html, "received") == "0" and total(html, "pass-rate") == "—"


def test_the_dashboard_takes_the_same_number_of_queries_whatever_the_size_of_the_call(built: BuiltCall, client: Client) -> None:
    client.force_login(built.officer)
    url = f"/staff/calls/{built.call.code}/statistics/"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    run = SelectionRun.objects.get(call=built.call)
    for i in range(5):
        a = checked_application(built.call, direction="1.6", title=f"新增{i}", email=f"new{i}@example.com")
        Award.objects.create(call=built.call, application=a, run=run, direction=a.direction, amount_yuan=1)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert total(html, "received") == "12"
    assert len(large.captured_queries) == len(small.captured_queries)


def users_of(built: BuiltCall, load_seed: Callable[[str], Call]) -> dict[str, Any]:
    other_staff = UserFactory()
    grant_program_role(program=load_seed("001").program, user=other_staff, role=ProgramRoleKind.PROGRAM_OFFICER)
    return {
        "anonymous": None,
        "applicant": built.applications["埃及甲"].applicant,
        "other_applicant": register_user(email="other@example.com", password=None, name="他人"),
        "reviewer": add_expert(built.call, "expert@example.com", officer=built.officer),
        "staff_of_another_program": other_staff,
        "program_officer": built.officer,
        "administrator": UserFactory(is_superuser=True),
    }


ALLOWED = {"program_officer", "administrator"}
PAGES = ["statistics/", "exports/statistics.xlsx", "exports/awards.csv", "exports/projects.xlsx"]


@pytest.mark.parametrize(
    "who",
    ["anonymous", "applicant", "other_applicant", "reviewer", "staff_of_another_program", "program_officer", "administrator"],
)
def test_dashboard_and_exports_permission_matrix_on_the_web_and_the_api(
    built: BuiltCall, load_seed: Callable[[str], Call], who: str
) -> None:
    user = users_of(built, load_seed)[who]
    web = Client()
    api = APIClient()
    if user is not None:
        web.force_login(user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    for page in PAGES:
        response = web.get(f"/staff/calls/{built.call.code}/{page}")
        expected = 200 if who in ALLOWED else 302 if who == "anonymous" else 404
        assert response.status_code == expected, (who, page)
    for kind in ("statistics.xlsx", "awards.xlsx", "projects.csv", "awards.csv"):
        response = api.get(f"/api/v1/calls/{built.call.code}/exports/{kind}")
        expected = 200 if who in ALLOWED else 401 if who == "anonymous" else 404
        assert response.status_code == expected, (who, kind)


def summary_of(html: str) -> str:
    found = re.search(r"<section[^>]*data-summary>(.*?)</section>", html, re.S)
    return found.group(1) if found else ""


def test_the_public_summary_appears_only_once_results_are_published(built: BuiltCall) -> None:
    url = f"/calls/{built.call.code}/results/"
    before = Client().get(url).content.decode()
    assert "data-summary" not in before and "550" not in before and "300 万元" not in before
    publish(built.call)
    html = Client().get(url).content.decode()
    summary = summary_of(html)
    assert "收到申请 7 项，资助 3 项，合计 550 万元。" in summary
    rows = re.findall(r'<tr data-summary-direction="([^"]+)">(.*?)</tr>', summary, re.S)
    cells = {key: re.findall(r'<td class="num">([^<]*)</td>', body) for key, body in rows}
    assert cells == {"1.5": ["3", "2", "500 万元"], "1.6": ["4", "1", "50 万元"]}  # the revoked award is not counted
    # Figures only: no names, institutions, e-mail addresses or formal-check results.
    for private in ("北大", "清华", "复旦", "@example.com", "形式审查", "撤销", "撤回"):
        assert private not in summary, private
    english = Client()
    english.cookies["django_language"] = "en"
    assert "7 applications received, 3 awarded, CNY 5,500,000 in total." in english.get(url).content.decode()


def test_the_public_summary_counts_prize_tiers(load_seed: Callable[[str], Call]) -> None:
    call = load_seed("001")
    run = SelectionRun.objects.create(call=call, status="approved")
    for i, tier in enumerate(["first", "second", "second"]):
        a = checked_application(call, direction="SME202301", title=f"作品{i}", email=f"t{i}@example.com")
        Award.objects.create(call=call, application=a, run=run, direction=a.direction, tier=tier, status="approved")
    assert "data-summary" not in Client().get(f"/calls/{call.code}/results/").content.decode()
    publish(call)
    summary = summary_of(Client().get(f"/calls/{call.code}/results/").content.decode())
    assert "收到申请 3 项，资助 3 项。" in summary and "万元" not in summary  # seed 001 names no prize money
    tiers = re.findall(r'<tr data-summary-tier="([^"]+)"><th scope="row">([^<]*)</th><td class="num">(\d+)</td>', summary)
    assert tiers == [("first", "一等奖", "1"), ("second", "二等奖", "2")]
