"""The awards, projects and statistics exports: bilingual frozen headers and the exact rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.models import Agreement
from shenbao.awards.models import Award
from shenbao.calls.models import Call
from shenbao.projects.models import Project
from shenbao.projects.services.projects import start_projects, submit_report
from tests.awards.statistics_fixtures import BuiltCall, build_call


@pytest.fixture
def built(load_seed: Callable[[str], Call]) -> BuiltCall:
    return build_call(load_seed)


def sheet_rows(client: Client, url: str) -> list[list[Any]]:
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A3"
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_awards_export_lists_every_award_with_its_direction_tier_amount_status_and_institution(
    built: BuiltCall, client: Client
) -> None:
    Agreement.objects.create(award=Award.objects.get(application__title="埃及甲"), status=AgreementStatus.SIGNED)
    client.force_login(built.officer)
    rows = sheet_rows(client, f"/staff/calls/{built.call.code}/exports/awards.xlsx")
    assert rows[1] == [
        "Receipt number",
        "Direction",
        "Direction title",
        "Project name",
        "Lead organisation",
        "Partner countries",
        "Rank",
        "Prize tier",
        "Amount (yuan)",
        "Status",
        "Agreement",
    ]
    assert rows[0][:4] == ["受理编号", "方向", "方向名称", "项目名称"] and rows[0][8] == "金额（元）"
    receipt = {t: a.receipt_number for t, a in built.applications.items()}
    assert [[r[0], r[1], r[3], r[4], r[5], r[6], r[8], r[9], r[10]] for r in rows[2:]] == [
        [receipt["埃及甲"], "1.5", "埃及甲", "北大", "埃及", 1, 3_000_000, "已批准", "已签署"],
        [receipt["埃及摩洛哥"], "1.5", "埃及摩洛哥", "北大", "埃及; 摩洛哥", 2, 2_000_000, "已批准", None],
        [receipt["肯尼亚撤销"], "1.6", "肯尼亚撤销", "清华", "肯尼亚", 4, 1_000_000, "已撤销", None],
        [receipt["埃及丙"], "1.6", "埃及丙", "清华", "埃及", 7, 500_000, "已批准", None],
    ]
    only = client.get(f"/staff/calls/{built.call.code}/exports/awards.csv?direction=1.6").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(only)))
    assert lines[0] == ["筛选条件 / Filter: direction=1.6"]  # a filtered list names its filter first
    assert lines[1][0] == "受理编号 / Receipt number"
    assert [line[3] for line in lines[2:]] == ["肯尼亚撤销", "埃及丙"]


def test_the_statistics_export_has_the_dashboards_figures(built: BuiltCall, client: Client) -> None:
    client.force_login(built.officer)
    client.cookies["django_language"] = "en"
    rows = sheet_rows(client, f"/staff/calls/{built.call.code}/exports/statistics.xlsx")
    assert rows[1] == [
        "By",
        "Code",
        "Name",
        "Applications received",
        "Waiting for the formal check",
        "Passed the formal check",
        "Failed the formal check",
        "Withdrawn",
        "Pass rate (%)",
        "Awards",
        "Amount (yuan)",
        "Revoked awards",
    ]
    by = [(r[0], r[1], r[2], *r[3:]) for r in rows[2:]]
    assert by[0] == ("All applications", None, None, 7, 1, 4, 1, 1, 80, 3, 5_500_000, 1)
    assert by[1][:2] == ("Direction", "1.5") and by[1][3:] == (3, 0, 2, 1, 0, 66.7, 2, 5_000_000, 0)
    assert by[2][:2] == ("Direction", "1.6") and by[2][3:] == (4, 1, 2, 0, 1, 100, 1, 500_000, 1)
    assert [(r[0], r[2], r[9]) for r in by[3:6]] == [
        ("Lead organisation", "北大", 2),
        ("Lead organisation", "清华", 1),
        ("Lead organisation", "复旦", 0),
    ]
    assert [(r[0], r[1], r[2], r[3], r[9], r[10]) for r in by[6:]] == [
        ("Partner country", "EG", "Egypt", 3, 3, 5_500_000),
        ("Partner country", "MA", "Morocco", 2, 1, 2_000_000),
        ("Partner country", "KE", "Kenya", 2, 0, 0),
    ]


def test_the_projects_export_sets_kpi_targets_against_the_latest_actuals(built: BuiltCall, client: Client) -> None:
    for title in ("埃及甲", "埃及丙"):
        Agreement.objects.create(award=Award.objects.get(application__title=title), status=AgreementStatus.SIGNED)
    assert start_projects(call=built.call, actor=built.officer) == 2
    project = Project.objects.get(title="埃及甲")
    pi = project.agreement.award.application.applicant
    actuals = {"kpi-1.5-events": 1, "kpi-1.5-hosted-researchers": 5}
    submit_report(project=project, kind="midterm", actuals=actuals, text="进展", actor=pi)
    submit_report(project=project, kind="final", actuals={"kpi-1.5-events": 3}, text="完成", actor=pi)
    client.force_login(built.officer)
    url = f"/staff/calls/{built.call.code}/exports/projects.xlsx"
    with CaptureQueriesContext(connection) as queries:
        rows = sheet_rows(client, url)
    assert rows[1][:3] == ["Receipt number", "Direction", "Project name"]
    assert rows[1][9:] == [
        "KPI",
        "KPI name",
        "Comparator",
        "Target",
        "Unit",
        "Latest actual",
        "Met?",
        "Applies to",
        "Actual per part",
        "Conditions",
    ]
    assert [(r[1], r[2], r[7], r[8], r[9], r[11], r[12], r[13], r[14], r[15]) for r in rows[2:]] == [
        ("1.5", "埃及甲", 3_000_000, 2, "kpi-1.5-events", ">=", 2, "次", 3, "已达成"),
        ("1.5", "埃及甲", 3_000_000, 2, "kpi-1.5-hosted-researchers", ">=", 5, "人", 5, "已达成"),
        ("1.6", "埃及丙", 500_000, 0, "kpi-1.6-events", ">=", 2, "次", None, "尚未报告"),
        ("1.6", "埃及丙", 500_000, 0, "kpi-1.6-hosted-researchers", ">=", 5, "人", None, "尚未报告"),
    ]
    assert rows[2][10] == "高水平国际学术交流活动" and rows[2][4] == "执行中"
    # A third project does not add queries (targets and reports are prefetched).
    Agreement.objects.create(award=Award.objects.get(application__title="埃及摩洛哥"), status=AgreementStatus.SIGNED)
    start_projects(call=built.call, actor=built.officer)
    with CaptureQueriesContext(connection) as more:
        assert len(sheet_rows(client, url)) == 2 + 6
    assert len(more.captured_queries) == len(queries.captured_queries)
