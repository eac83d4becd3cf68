"""A refused form on the project page comes back with what was typed, its reason shown in the reader's
language, and nothing saved: a change request, a report (a cell that is not a number), an output and
a milestone; a refused reallocation keeps the typed cells."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.projects.models import Project
from tests.projects.test_approved_budget import APPROVED, call, officer, project  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-hans"}


def _post(client: Client, on: Project, data: dict[str, Any], headers: dict[str, str]) -> tuple[int, str]:
    response = client.post(reverse("web:project_action", args=[on.pk]), data, headers=headers)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize(
    ("headers", "message"),
    [(EN, "An extension gives a new end after 20"), (ZH, "延期须给出晚于20")],
)
def test_a_refused_extension_keeps_the_kind_the_reason_and_the_date(
    client: Client,
    project: Project,  # noqa: F811
    headers: dict[str, str],
    message: str,
) -> None:
    client.force_login(project.agreement.award.application.applicant)
    early = project.end_date.replace(year=project.end_date.year - 1).isoformat()
    status, html = _post(
        client,
        project,
        {"action": "change_request", "kind": "extension", "reason": "设备交付延迟三个月", "new_end_date": early},
        headers,
    )
    assert status == 400
    assert message in html
    assert '<option value="extension" selected>' in html
    assert '<textarea name="reason" id="c-reason" rows="3" required>设备交付延迟三个月</textarea>' in html
    assert f'name="new_end_date" id="c-end" value="{early}"' in html
    # The other forms of the page are not filled with it.
    assert '<textarea name="text" id="id_text" rows="4" required></textarea>' in html
    assert not project.changes.exists()


def test_a_report_with_a_cell_that_is_not_a_number_keeps_the_text_and_the_cells(
    client: Client,
    project: Project,  # noqa: F811
) -> None:
    client.force_login(project.agreement.award.application.applicant)
    page = client.get(reverse("web:project", args=[project.pk]), headers=EN).content.decode()
    cells = sorted(set(re.findall(r'name="(actual-[^"]+)"', page)))
    assert cells, "seed 003's project has KPI targets to report against"
    data = {"action": "report", "kind": "midterm", "text": "完成平台搭建，双方互访两次。", cells[0]: "三次"}
    data |= dict.fromkeys(cells[1:], "2")
    status, html = _post(client, project, data, EN)
    assert status == 400
    assert "“三次” is not a number." in html
    assert '<textarea name="text" id="id_text" rows="4" required>完成平台搭建，双方互访两次。</textarea>' in html
    assert f'id="{cells[0]}" value="三次"' in html
    assert all(f'id="{name}" value="2"' in html for name in cells[1:])
    assert not project.reports.exists()


def test_a_refused_output_and_milestone_keep_what_was_typed(
    client: Client,
    project: Project,  # noqa: F811
    officer: User,  # noqa: F811
) -> None:
    client.force_login(project.agreement.award.application.applicant)
    status, html = _post(
        client,
        project,
        {"action": "output", "kind": "paper", "title": "联合实验平台论文", "reference": "10.1000/xyz", "on": "2026-13-01"},
        EN,
    )
    assert status == 400 and "Enter the date as YYYY-MM-DD." in html
    assert 'id="o-title" required maxlength="300" value="联合实验平台论文"' in html
    assert 'id="o-ref" maxlength="300" value="10.1000/xyz"' in html
    assert '<option value="paper" selected>' in html
    assert not project.outputs.exists()

    client.force_login(officer)
    status, html = _post(client, project, {"action": "milestone_add", "title": "样机验收", "due": "not a date"}, ZH)
    assert status == 400 and "YYYY-MM-DD" in html
    assert 'id="ms-title-new" required maxlength="200" value="样机验收"' in html
    assert not project.milestones.filter(title="样机验收").exists()


def test_a_refused_reallocation_keeps_the_typed_cells(
    client: Client,
    project: Project,  # noqa: F811
    officer: User,  # noqa: F811
) -> None:
    client.force_login(officer)
    cells = {f"table__{line}__{source}": amount for line, row in APPROVED["lines"].items() for source, amount in row.items()}
    client.post(reverse("web:agreement_budget", args=[project.agreement.pk]), {**cells, "reason": "核减"})
    client.force_login(project.agreement.award.application.applicant)
    moved = {**APPROVED["lines"], "equipment": {"grant": "12.00"}, "labour": {"grant": "30.00"}}  # 2 万 more than approved
    typed = {f"new_budget__{line}__{source}": amount for line, row in moved.items() for source, amount in row.items()}
    status, html = _post(client, project, {"action": "change_request", "kind": "budget", "reason": "调剂", **typed}, ZH)
    assert status == 400
    assert "调剂不改变国拨经费总额" in html
    assert 'name="new_budget__equipment__grant" value="12.00"' in html
    assert 'name="new_budget__labour__grant" value="30.00"' in html
    assert not project.changes.exists()
