"""Issue 19, the approved budget (核定预算): staff adjust the requested table to the amount awarded with a
reason (audited; the PI cannot), the agreement's text carries it, an approved reallocation replaces it,
reports give spending by category, the export lists requested / approved / spent / paid, and the PI
is mailed a report's decision and a withheld tranche."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import docx
import pytest
from django.test import Client
from django.utils import timezone, translation

from shenbao.accounts.models import User
from shenbao.agreements.enums import AgreementStatus
from shenbao.agreements.errors import AgreementBudgetError
from shenbao.agreements.models import Agreement
from shenbao.agreements.services.budget import approve_budget
from shenbao.agreements.services.text import generate_text
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.cli.demo_reviews import demo_budget
from shenbao.core.models import AuditEntry
from shenbao.documents.exports.base import Filters
from shenbao.documents.exports.budget_execution import budget_execution_rows
from shenbao.documents.exports.registry import EXPORTS
from shenbao.notifications.models import Message
from shenbao.projects.errors import ProjectError
from shenbao.projects.models import Project, Tranche
from shenbao.projects.services.changes import decide_change, request_change
from shenbao.projects.services.disbursement import approve_tranche, plan_tranche, record_payment
from shenbao.projects.services.projects import submit_report
from shenbao.projects.services.report_reviews import decide_report
from shenbao.projects.split import proportional_split
from tests.factories import UserFactory
from tests.projects.fixtures import started_project
from tests.projects.test_disbursement import TODAY, reviewed

pytestmark = pytest.mark.django_db

#: 80 万 of the 100 万 requested, every category cut by a fifth; the self-raised funds as committed.
APPROVED = {
    "lines": {
        "equipment": {"grant": "16.00"},
        "materials": {"grant": "16.00", "self_raised": "10.00"},
        "travel_cooperation": {"grant": "12.00"},
        "publication_ip": {"grant": "4.00"},
        "indirect": {"grant": "12.00"},
        "labour": {"grant": "20.00"},
    }
}


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Refusals are read in English unless a test overrides the language."""
    with translation.override("en"):
        yield


@pytest.fixture
def call(load_seed: Callable[[str], Call]) -> Call:
    return load_seed("003")


@pytest.fixture
def officer(call: Call) -> User:
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


@pytest.fixture
def project(call: Call, officer: User) -> Project:
    project = started_project(call, direction="1.2", officer=officer, values={"budget_table": demo_budget(1_000_000, "1.2")})
    Project.objects.filter(pk=project.pk).update(budget_yuan=800_000)
    project.agreement.award.__class__.objects.filter(pk=project.agreement.award_id).update(amount_yuan=800_000)
    project.refresh_from_db()
    return project


def two_tranches(project: Project, officer: User) -> tuple[Tranche, Tranche]:
    first = plan_tranche(
        project=project, amount_yuan=320_000, condition="on_signing", planned_on=dt.date(2025, 11, 1), actor=officer, today=TODAY
    )
    second = plan_tranche(
        project=project,
        amount_yuan=480_000,
        condition="midterm_passed",
        planned_on=dt.date(2026, 5, 1),
        actor=officer,
        today=TODAY,
    )
    return first, second


def _agreement(project: Project) -> Agreement:
    return Agreement.objects.get(pk=project.agreement.pk)


def _approve(project: Project, officer: User, table: Any = APPROVED, reason: str = "总额核减20%") -> Agreement:
    return approve_budget(agreement=_agreement(project), table=table, reason=reason, actor=officer)


def _refused(language: str, call_: Callable[[], object]) -> str:
    with pytest.raises(AgreementBudgetError) as refused, translation.override(language):
        call_()
    with translation.override(language):
        return str(refused.value)


def test_staff_approve_the_budget_for_the_amount_awarded_with_a_reason(project: Project, officer: User) -> None:
    agreement = _agreement(project)
    pi = agreement.award.application.applicant
    assert officer.has_perm("agreements.approve_budget", agreement)
    assert not pi.has_perm("agreements.approve_budget", agreement)  # the applicant cannot approve budgets
    requested = agreement.award.application.values["budget_table"]
    # The request as it stands adds up to 100 万: not the 80 万 awarded.
    assert (
        _refused("en", lambda: _approve(project, officer, requested))
        == "The grant column adds up to 1,000,000 yuan; the amount awarded is 800,000 yuan."
    )
    assert (
        _refused("zh-hans", lambda: _approve(project, officer, requested))
        == "国拨经费列合计 1,000,000 元，与资助金额 800,000 元不符。"
    )
    bad = {"lines": {**APPROVED["lines"], "equipment": {"grant": "-1"}}}
    assert (
        _refused("en", lambda: _approve(project, officer, bad))
        == "Equipment, Grant requested: an amount cannot be negative (-1)."
    )
    assert (
        _refused("en", lambda: _approve(project, officer, reason=" "))
        == "Give the reason for approving a budget that differs from the one requested."
    )
    assert _refused("zh-hans", lambda: _approve(project, officer, reason="")) == "核定预算与申请预算不同，请说明理由。"
    assert _agreement(project).approved_budget == {}  # nothing saved by a refusal
    assert not AuditEntry.objects.filter(action="shenbao.agreement.budget_approved").exists()

    _approve(project, officer)
    agreement = _agreement(project)
    assert agreement.approved_budget == APPROVED
    assert agreement.approved_budget_field == "budget_table"
    assert (agreement.approved_budget_reason, agreement.approved_budget_by) == ("总额核减20%", officer)
    entry = AuditEntry.objects.get(action="shenbao.agreement.budget_approved")
    assert entry.data["grant_before_yuan"] == 1_000_000
    assert entry.data["grant_yuan"] == 800_000
    assert entry.data["categories_yuan"] == {
        "equipment": 160_000,
        "operating": 320_000,
        "labour": 200_000,
        "indirect": 120_000,
    }

    # The agreement's text carries the approved table.
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.PENDING)
    agreement = generate_text(agreement=_agreement(project), actor=officer)
    with agreement.text.open("rb") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert "核定预算：" in text
    assert "设备费：16.00 万元" in text
    assert "    材料费、测试化验加工费：16.00 万元" in text
    assert "合计：80.00 万元" in text

    # Once a party confirmed the text, only a reallocation changes the table.
    Agreement.objects.filter(pk=agreement.pk).update(pi_confirmed_at=timezone.now())
    assert (
        _refused("en", lambda: _approve(project, officer))
        == "The approved budget is fixed once a party has confirmed the agreement; request a budget reallocation."
    )


def _moved(equipment: str, labour: str) -> dict[str, Any]:
    lines = {k: dict(v) for k, v in APPROVED["lines"].items()}
    lines["equipment"]["grant"], lines["labour"]["grant"] = equipment, labour
    return {"lines": lines}


def test_an_approved_reallocation_changes_the_approved_table(project: Project, officer: User) -> None:
    pi = project.agreement.award.application.applicant
    with pytest.raises(ProjectError) as early:
        request_change(project=project, kind="budget", reason="调剂", new_end_date=None, actor=pi, new_budget=_moved("12", "24"))
    assert (early.value.code, str(early.value)) == ("change_budget", "There is no approved budget to reallocate yet.")
    _approve(project, officer)
    with pytest.raises(ProjectError) as more, translation.override("zh-hans"):
        request_change(project=project, kind="budget", reason="调剂", new_end_date=None, actor=pi, new_budget=_moved("12", "30"))
    with translation.override("zh-hans"):
        assert str(more.value) == "调剂不改变国拨经费总额：拟调整为 860,000 元，核定为 800,000 元。"
    with pytest.raises(ProjectError) as same:
        request_change(project=project, kind="budget", reason="调剂", new_end_date=None, actor=pi, new_budget=APPROVED)
    assert str(same.value) == "The proposed budget is the approved one: change at least one amount."

    rejected = request_change(
        project=project, kind="budget", reason="设备降价", new_end_date=None, actor=pi, new_budget=_moved("12", "24")
    )
    decide_change(change=rejected, approve=False, note="理由不足", actor=officer)
    assert _agreement(project).approved_budget == APPROVED  # a rejected reallocation changes nothing

    change = request_change(
        project=project, kind="budget", reason="设备降价，增加劳务", new_end_date=None, actor=pi, new_budget=_moved("12", "24")
    )
    assert change.new_budget == _moved("12.00", "24.00")
    decide_change(change=change, approve=True, note="同意调剂", actor=officer)
    assert _agreement(project).approved_budget == _moved("12.00", "24.00")
    entry = AuditEntry.objects.get(action="shenbao.agreement.budget_reallocated")
    assert entry.data["change"] == change.pk
    assert (entry.data["from_yuan"]["equipment"], entry.data["to_yuan"]["equipment"]) == (160_000, 120_000)
    assert (entry.data["from_yuan"]["labour"], entry.data["to_yuan"]["labour"]) == (200_000, 240_000)


def test_reports_give_spending_by_category_and_the_export_lists_requested_approved_spent_paid(
    call: Call, project: Project, officer: User
) -> None:
    pi = project.agreement.award.application.applicant
    with pytest.raises(ProjectError) as none:
        submit_report(project=project, kind="midterm", actuals={}, text="进展", actor=pi, spending={"equipment": 1})
    assert str(none.value) == "Spending is reported against the approved budget, and there is none yet."
    _approve(project, officer)
    for spending, message in (
        ({"materials": 1}, "Not a category of the approved budget: materials."),  # a sub-line, not a category
        ({"travel": 1}, "Not a category of the approved budget: travel."),
        ({"equipment": "-5"}, "equipment: spending is a whole number of yuan, not “-5”."),
        ({"equipment": "1.5"}, "equipment: spending is a whole number of yuan, not “1.5”."),
    ):
        with pytest.raises(ProjectError) as bad:
            submit_report(project=project, kind="midterm", actuals={}, text="进展", actor=pi, spending=spending)
        assert str(bad.value) == message
    assert not project.reports.exists()
    report = submit_report(
        project=project,
        kind="midterm",
        actuals={},
        text="进展",
        actor=pi,
        spending={"equipment": 150_000, "operating": "100,000", "labour": ""},
    )
    assert report.spending == {"equipment": 150_000, "operating": 100_000}

    first, _second = two_tranches(project, officer)
    approve_tranche(tranche=first, actor=officer)
    record_payment(tranche=first, amount_yuan=320_000, paid_on=TODAY, reference="GK-1", actor=officer, today=TODAY)

    rows = list(budget_execution_rows(call, Filters()))
    by = {r["category"]: r for r in rows}
    assert [r["category"] for r in rows] == ["equipment", "operating", "labour", "indirect", "total"]
    assert (by["equipment"]["requested_yuan"], by["equipment"]["approved_yuan"], by["equipment"]["spent_yuan"]) == (
        200_000,
        160_000,
        150_000,
    )
    assert (by["operating"]["requested_yuan"], by["operating"]["approved_yuan"]) == (400_000, 320_000)
    assert by["indirect"]["spent_yuan"] == 0
    # The payment, split by default in proportion to the approved grant (320,000 of 800,000: 40 %).
    assert {c: by[c]["paid_yuan"] for c in ("equipment", "operating", "labour", "indirect")} == {
        "equipment": 64_000,
        "operating": 128_000,
        "labour": 80_000,
        "indirect": 48_000,
    }
    total = by["total"]
    assert (total["requested_yuan"], total["approved_yuan"], total["spent_yuan"], total["paid_yuan"]) == (
        1_000_000,
        800_000,
        250_000,
        320_000,
    )
    assert "budget_execution" in EXPORTS
    assert EXPORTS["budget_execution"].permission == "awards.select"
    assert not pi.has_perm("awards.select", call)


def test_the_pi_is_mailed_the_report_decision_and_a_withheld_tranche(call: Call, project: Project, officer: User) -> None:
    _first, second = two_tranches(project, officer)
    pi = project.agreement.award.application.applicant
    report = submit_report(project=project, kind="midterm", actuals={}, text="进展", actor=pi)
    reviewed(report, call, officer, (50, 55))
    decide_report(report=report, decision="failed", reasons="进度严重滞后", actor=officer)
    second.refresh_from_db()
    assert second.status == "withheld"
    decided = Message.objects.get(template="report_decided")
    assert (decided.to, decided.language) == ("pi@example.com", "zh-hans")
    assert decided.subject == f"中期报告未通过：{project.title}"
    assert "经专家评审，中期报告未通过。" in decided.body
    assert "理由与条件：进度严重滞后" in decided.body
    withheld = Message.objects.get(template="tranche_withheld")
    assert withheld.subject == f"第 2 笔拨款暂缓拨付：{project.title}"
    assert "原因：所依据的报告未通过 · 进度严重滞后" in withheld.body
    assert withheld.related == project


def test_a_passed_report_mail_in_english(call: Call, project: Project, officer: User) -> None:
    pi = project.agreement.award.application.applicant
    User.objects.filter(pk=pi.pk).update(language="en")
    report = submit_report(project=project, kind="midterm", actuals={}, text="进展", actor=pi)
    reviewed(report, call, officer, (85, 90))
    decide_report(report=report, decision="conditional", reasons="补充测试数据", actor=officer)
    decided = Message.objects.get(template="report_decided")
    assert decided.subject == f"Mid-term report passed with conditions: {project.title}"
    assert "After expert review, Mid-term report passed with conditions." in decided.body
    assert not Message.objects.filter(template="tranche_withheld").exists()


def test_the_pi_reports_spending_on_the_project_page(project: Project, officer: User) -> None:
    from django.test import Client

    pi = project.agreement.award.application.applicant
    browser = Client()
    browser.force_login(pi)
    page = browser.get(f"/projects/{project.pk}/").content.decode()
    assert 'name="spent-equipment"' not in page  # no approved budget yet: nothing to report against
    _approve(project, officer)
    page = browser.get(f"/projects/{project.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="spent-equipment"' in page and 'name="spent-materials"' not in page  # categories, not sub-lines
    browser.post(
        f"/projects/{project.pk}/act/",
        {"action": "report", "kind": "midterm", "text": "进展", "spent-equipment": "12000", "spent-labour": ""},
    )
    assert project.reports.get().spending == {"equipment": 12_000}


# --- The payment split across the approved budget's categories -----------------------------------------


def test_the_proportional_split_adds_up_exactly_with_the_rest_on_the_largest_category() -> None:
    assert proportional_split(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert proportional_split(320_001, {"e": 160_000, "o": 320_000, "l": 200_000, "i": 120_000}) == {
        "e": 64_000,
        "o": 128_001,
        "l": 80_000,
        "i": 48_000,
    }
    assert proportional_split(7, {"a": 0, "b": 0}) == {"a": 7, "b": 0}
    assert proportional_split(7, {}) == {}
    weights = {"a": 3_333, "b": 1, "c": 777_777, "d": 45_001}
    for amount in (1, 2, 999, 123_457, 826_112, 10**9 + 7):
        parts = proportional_split(amount, weights)
        assert sum(parts.values()) == amount and min(parts.values()) >= 0


def test_a_payment_is_split_by_default_in_proportion_to_the_approved_grant(project: Project, officer: User) -> None:
    _approve(project, officer)
    first, _second = two_tranches(project, officer)
    approve_tranche(tranche=first, actor=officer)
    paid = record_payment(tranche=first, amount_yuan=300_001, paid_on=TODAY, reference="GK-1", actor=officer, today=TODAY)
    assert paid.paid_by_category == {"equipment": 60_000, "operating": 120_001, "labour": 75_000, "indirect": 45_000}
    assert sum(paid.paid_by_category.values()) == 300_001
    entry = AuditEntry.objects.filter(action="shenbao.tranche.paid").get()
    assert entry.data["by_category"] == paid.paid_by_category


def test_a_split_is_refused_when_it_does_not_add_up_or_exceeds_a_category(project: Project, officer: User) -> None:
    _approve(project, officer)
    first, second = two_tranches(project, officer)
    approve_tranche(tranche=first, actor=officer)
    record_payment(
        tranche=first,
        amount_yuan=320_000,
        paid_on=TODAY,
        reference="GK-1",
        actor=officer,
        today=TODAY,
        split={"equipment": 150_000, "operating": 170_000, "labour": None},
    )
    Tranche.objects.filter(pk=second.pk).update(status="approved")

    def pay(split: dict[str, int | None]) -> None:
        record_payment(
            tranche=second, amount_yuan=480_000, paid_on=TODAY, reference="GK-2", actor=officer, today=TODAY, split=split
        )

    for split, code, en, zh in (
        (
            {"equipment": 10_000, "operating": 100_000},
            "split_sum",
            "The shares of the categories add up to 110,000 yuan, not to the 480,000 yuan paid.",
            "各科目分配合计 110,000 元，与实付 480,000 元不符。",
        ),
        (
            {"equipment": 20_000, "operating": 100_000, "labour": 200_000, "indirect": 160_000},
            "split_over_category",
            "20,000 yuan to category equipment is more than what is left of its approved grant "
            "(160,000 yuan approved, 150,000 yuan paid already).",
            "分配给科目 equipment 的 20,000 元超过其核定经费的余额（核定 160,000 元，已拨付 150,000 元）。",
        ),
        (
            {"travel": 480_000},
            "split_unknown_category",
            "These are not categories of the approved budget: travel.",
            "以下不是核定预算的科目：travel。",
        ),
        (
            {"equipment": -1, "operating": 480_001},
            "split_negative",
            "A category's share of the payment cannot be below zero.",
            "科目分配金额不能小于零。",
        ),
    ):
        for language, text in (("en", en), ("zh-hans", zh)):
            with translation.override(language):
                with pytest.raises(ProjectError) as bad:
                    pay(split)
                assert (bad.value.code, str(bad.value)) == (code, text)
    second.refresh_from_db()
    assert (second.status, second.paid_by_category, second.paid_amount_yuan) == ("approved", {}, None)
    # Left to the default, the last tranche is split in proportion to what each category has left,
    # which here is exactly the rest of each.
    pay({})
    second.refresh_from_db()
    assert second.status == "paid"
    assert second.paid_by_category == {"equipment": 10_000, "operating": 150_000, "labour": 200_000, "indirect": 120_000}


def test_the_disbursement_page_shows_the_split_before_saving_and_paid_per_category(project: Project, officer: User) -> None:
    _approve(project, officer)
    first, _second = two_tranches(project, officer)
    approve_tranche(tranche=first, actor=officer)
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(officer)
    url = f"/projects/{project.pk}/disbursement/"
    page = staff.get(url).content.decode()
    assert 'name="split-equipment" id="split-' in page and 'value="64000"' in page and 'value="128000"' in page
    refused = staff.post(
        url,
        {
            "action": "pay",
            "tranche": first.pk,
            "paid_yuan": "320000",
            "paid_on": TODAY.isoformat(),
            "reference": "GK-1",
            "split-equipment": "1",
        },
        follow=True,
    ).content.decode()
    assert "The shares of the categories add up to 1 yuan, not to the 320,000 yuan paid." in refused
    staff.post(
        url,
        {
            "action": "pay",
            "tranche": first.pk,
            "paid_yuan": "320000",
            "paid_on": TODAY.isoformat(),
            "reference": "GK-1",
            "split-equipment": "100000",
            "split-operating": "100000",
            "split-labour": "100000",
            "split-indirect": "20000",
        },
    )
    first.refresh_from_db()
    assert first.paid_by_category == {"equipment": 100_000, "operating": 100_000, "labour": 100_000, "indirect": 20_000}
    pi = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    pi.force_login(project.agreement.award.application.applicant)
    page = pi.get(url).content.decode()
    assert 'data-category="equipment"' in page and "按预算科目的资助经费" in page
    assert 'name="split-equipment"' not in page  # the PI reads, staff record
    # What was paid to each category, by its label in the reader's language.
    assert '<li data-split="equipment">设备费：10 万元</li>' in page
    english = staff.get(url).content.decode()
    assert '<li data-split="equipment">Equipment: CNY 100,000</li>' in english
