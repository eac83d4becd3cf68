"""The staff page of the approved budget (核定预算, issue 19): officers adjust the requested table to the
amount awarded with the reason, in the browser form the applicant's table uses; a refusal keeps what
was typed and saves nothing; the applicant and other staff cannot open it; once a party confirmed
the agreement the table is fixed."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from shenbao.accounts.models import User
from shenbao.agreements.models import Agreement
from shenbao.calls.definition.schema import AgreementTerms
from shenbao.core.models import AuditEntry
from shenbao.projects.models import Project
from shenbao.projects.services.changes import request_change
from tests.factories import UserFactory
from tests.projects.test_approved_budget import APPROVED, call, officer, project  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}


def _cells(table: dict[str, Any]) -> dict[str, str]:
    return {f"table__{line}__{source}": amount for line, row in table["lines"].items() for source, amount in row.items()}


def test_officer_approves_the_budget_through_the_page(client: Client, project: Project, officer: User) -> None:  # noqa: F811
    agreement = project.agreement
    client.force_login(officer)
    url = reverse("web:agreement_budget", args=[agreement.pk])
    page = client.get(reverse("web:agreement", args=[agreement.pk]), headers=EN).content.decode()
    assert f'href="{url}" data-approve-budget>Approve the budget</a>' in page

    form = client.get(url, headers=ZH).content.decode()
    assert 'id="approved-budget-form"' in form and "资助金额" in form
    assert 'name="table__equipment__grant" value="20.00"' in form  # prefilled with the request (100 万)

    # The request as it stands adds up to 100 万, not the 80 万 awarded: refused, the typed cells kept.
    wrong = {**_cells({"lines": {**APPROVED["lines"], "equipment": {"grant": "36.00"}}}), "reason": "核减"}
    refused = client.post(url, wrong, headers=ZH).content.decode()
    assert "国拨经费列合计 1,000,000 元，与资助金额 800,000 元不符。" in refused
    assert 'name="table__equipment__grant" value="36.00"' in refused and "核减" in refused
    negative = client.post(url, {**_cells(APPROVED), "table__equipment__grant": "-1", "reason": "x"}, headers=EN)
    assert "Equipment, Grant requested: an amount cannot be negative (-1)." in negative.content.decode()
    no_reason = client.post(url, _cells(APPROVED), headers=EN).content.decode()
    assert "Give the reason for approving a budget that differs from the one requested." in no_reason
    assert Agreement.objects.get(pk=agreement.pk).approved_budget == {}

    saved = client.post(url, {**_cells(APPROVED), "reason": "总额核减20%"}, headers=EN)
    assert (saved.status_code, saved["Location"]) == (302, reverse("web:agreement", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.approved_budget["lines"]["equipment"] == {"grant": "16.00"}
    assert (agreement.approved_budget_reason, agreement.approved_budget_by) == ("总额核减20%", officer)
    assert AuditEntry.objects.filter(action="shenbao.agreement.budget_approved").count() == 1
    shown = client.get(reverse("web:agreement", args=[agreement.pk]), headers=EN).content.decode()
    assert "Change the approved budget</a>" in shown and "总额核减20%" in shown


def test_only_the_calls_officers_open_it_and_it_is_fixed_once_confirmed(
    client: Client,
    project: Project,  # noqa: F811
    officer: User,  # noqa: F811
) -> None:
    agreement = project.agreement
    url = reverse("web:agreement_budget", args=[agreement.pk])
    for user in (agreement.award.application.applicant, UserFactory()):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {**_cells(APPROVED), "reason": "x"}).status_code == 404
    assert Agreement.objects.get(pk=agreement.pk).approved_budget == {}

    Agreement.objects.filter(pk=agreement.pk).update(pi_confirmed_at=timezone.now())
    client.force_login(officer)
    page = client.get(url, headers=EN).content.decode()
    assert "The approved budget is fixed once a party has confirmed the agreement; request a budget reallocation." in page
    assert 'id="approved-budget-form"' not in page
    client.post(url, {**_cells(APPROVED), "reason": "x"})
    assert Agreement.objects.get(pk=agreement.pk).approved_budget == {}
    assert "data-approve-budget" not in client.get(reverse("web:agreement", args=[agreement.pk])).content.decode()


def test_the_pi_proposes_a_reallocation_table_on_the_project_page_and_staff_approve_it(
    client: Client,
    project: Project,  # noqa: F811
    officer: User,  # noqa: F811
) -> None:
    pi = project.agreement.award.application.applicant
    client.force_login(pi)
    page = reverse("web:project", args=[project.pk])
    act = reverse("web:project_action", args=[project.pk])
    assert 'name="new_budget__equipment__grant"' not in client.get(page).content.decode()  # nothing approved yet

    client.force_login(officer)
    client.post(reverse("web:agreement_budget", args=[project.agreement.pk]), {**_cells(APPROVED), "reason": "核减"})
    client.force_login(pi)
    form = client.get(page, headers=EN).content.decode()
    assert 'name="new_budget__equipment__grant" value="16.00"' in form

    moved = {**APPROVED["lines"], "equipment": {"grant": "12.00"}, "labour": {"grant": "24.00"}}
    cells = {f"new_budget__{line}__{source}": amount for line, row in moved.items() for source, amount in row.items()}
    # Too much: refused in the PI's language, nothing requested.
    more = client.post(
        act,
        {"action": "change_request", "kind": "budget", "reason": "调剂", **cells, "new_budget__labour__grant": "30"},
        follow=True,
    )
    assert "调剂不改变国拨经费总额：拟调整为 860,000 元，核定为 800,000 元。" in more.content.decode()
    assert not project.changes.exists()
    # Left as approved: a request in words only; an extension ignores the cells.
    UserFactory(email="next-pi@example.com")
    client.post(
        act,
        {
            "action": "change_request",
            "kind": "pi",
            "reason": "负责人调动",
            "new_pi_email": "next-pi@example.com",
            **_cells_as("new_budget", APPROVED),
        },
    )
    assert project.changes.get().new_budget == {}

    client.post(act, {"action": "change_request", "kind": "budget", "reason": "设备降价，增加劳务", **cells})
    change = project.changes.get(kind="budget")
    assert change.new_budget["lines"]["equipment"] == {"grant": "12.00"}
    client.force_login(officer)
    shown = client.get(page, headers=EN).content.decode()
    assert f'data-proposed-budget="{change.pk}"' in shown and "Proposed grant per category" in shown
    client.post(act, {"action": "change_decide", "change": change.pk, "decision": "approve", "note": "同意"})
    agreement = Agreement.objects.get(pk=project.agreement.pk)
    assert agreement.approved_budget["lines"]["equipment"] == {"grant": "12.00"}
    assert agreement.approved_budget["lines"]["labour"] == {"grant": "24.00"}


def _cells_as(name: str, table: dict[str, Any]) -> dict[str, str]:
    return {f"{name}__{line}__{source}": amount for line, row in table["lines"].items() for source, amount in row.items()}


def test_a_small_reallocation_takes_effect_without_approval_where_the_call_says_so(
    client: Client,
    project: Project,  # noqa: F811
    officer: User,  # noqa: F811
) -> None:
    client.force_login(officer)
    client.post(reverse("web:agreement_budget", args=[project.agreement.pk]), {**_cells(APPROVED), "reason": "核减"})
    pi = project.agreement.award.application.applicant
    small = {"lines": {**APPROVED["lines"], "equipment": {"grant": "12.00"}, "labour": {"grant": "24.00"}}}  # 4 万 of 80 万: 5 %
    large = {"lines": {**APPROVED["lines"], "equipment": {"grant": "8.00"}, "labour": {"grant": "28.00"}}}  # 8 万: 10 %
    terms = AgreementTerms(reallocation_without_approval_percent=5)
    with mock.patch("shenbao.projects.services.changes.agreement_terms", return_value=terms), translation.override("en"):
        big = request_change(project=project, kind="budget", reason="大幅调剂", new_end_date=None, actor=pi, new_budget=large)
        assert big.status == "requested"  # 10 % > 5 %: staff decide
        assert Agreement.objects.get(pk=project.agreement.pk).approved_budget["lines"]["equipment"] == {"grant": "16.00"}
        big.delete()
        done = request_change(project=project, kind="budget", reason="小额调剂", new_end_date=None, actor=pi, new_budget=small)
    assert (done.status, done.decided_by) == ("approved", None)
    assert done.decision_note == "Moves at most 5 % of the grant: takes effect without approval under the call's terms."
    assert Agreement.objects.get(pk=project.agreement.pk).approved_budget["lines"]["equipment"] == {"grant": "12.00"}
    assert AuditEntry.objects.filter(action="shenbao.agreement.budget_reallocated").count() == 1
    # Without the term (the default, 0) even a small reallocation waits for staff.
    assert AgreementTerms().reallocation_without_approval_percent == 0


def test_the_agreement_terms_read_as_chinese_sentences_in_chinese(client: Client, project: Project, officer: User) -> None:  # noqa: F811
    """Labels and the signing sentence take full-width punctuation in Chinese, ASCII in English."""
    from shenbao.calls.definition.schema import WorkingDayDeadline

    terms = AgreementTerms(deadline=WorkingDayDeadline(working_days=30))
    client.force_login(officer)
    url = reverse("web:agreement", args=[project.agreement.pk])
    with mock.patch("shenbao.web.agreements.agreement_terms", return_value=terms):
        zh = client.get(url, headers=ZH).content.decode()
        en = client.get(url, headers=EN).content.decode()
    assert '<li data-term="deadline">须在 30 个工作日内（按国家法定工作日计算）签署，自结果发布之日起算' in zh
    assert '<li data-term="deadline">To be signed within 30 working days (Chinese official calendar), counted from' in en
    assert project.agreement.starts_on is None  # no start date shown: the sentence ends at once
    assert "自结果发布之日起算。</li>" in zh and "counted from the publication of the results.</li>" in en
    assert '<li data-term="parties">签约各方：' in zh and '<li data-term="parties">Parties: ' in en
    assert "签署, " not in zh and ") ." not in en
