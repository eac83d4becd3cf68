"""The demo as a visitor and a program officer meet it: load it (twice), browse, log in."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from shenbao.accounts.models import User
from shenbao.calls.models import Call, CallDefinitionVersion
from shenbao.cli.demo import DEMO_PASSWORD, EXAMPLE_CALL_CODE

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_loads_the_seeds_and_is_idempotent(client: Client) -> None:
    first = load_demo()
    assert "seed 003: most-intl-2025-2 (loaded)" in first
    assert "seed 000 topics (example): 50 topics" in first
    assert "officer@example.com" in first and DEMO_PASSWORD in first
    counts = (Call.objects.count(), CallDefinitionVersion.objects.count(), User.objects.count())
    second = load_demo()
    assert "seed 003: most-intl-2025-2 (unchanged)" in second
    assert (Call.objects.count(), CallDefinitionVersion.objects.count(), User.objects.count()) == counts
    assert Call.objects.count() == 5
    example = Call.objects.get(code=EXAMPLE_CALL_CODE)
    assert example.example is True
    assert example.directions.count() == 50
    states = sorted(example.applications.values_list("state", flat=True))
    assert states == sorted(["draft", "submitted", "submitted", "returned", "check_passed", "check_failed", "withdrawn"])
    assert all(a.title.startswith("【示例】") for a in example.applications.all())
    # The applicant log-in has its own draft to complete and submit.
    assert list(example.applications.filter(applicant__email="applicant@example.com").values_list("state", flat=True)) == [
        "draft"
    ]


def test_visitor_finds_the_open_example_call_and_its_topics(client: Client) -> None:
    load_demo()
    listing = client.get("/").content.decode()
    assert f'data-call="{EXAMPLE_CALL_CODE}"' in listing
    assert listing.count("phase-open") == 1
    page = client.get(f"/calls/{EXAMPLE_CALL_CODE}/").content.decode()
    assert page.count("data-direction=") == 50
    assert "示例" in page
    assert 'class="countdown"' in page


def test_program_officer_logs_in_and_sees_admin_link_only_when_staff(client: Client) -> None:
    load_demo()
    response = client.post("/accounts/login/", {"username": "officer@example.com", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "退出" in page
    assert "/admin/" not in page  # program officers are not administrators
    client.logout()
    client.post("/accounts/login/", {"username": "admin@example.com", "password": DEMO_PASSWORD})
    assert "/admin/" in client.get("/").content.decode()
    assert client.get("/admin/calls/call/").status_code == 200


def test_wrong_password_is_refused_with_a_translated_message(client: Client, settings: Any) -> None:
    load_demo()
    response = client.post("/accounts/login/", {"username": "officer@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "您提供的电子邮件地址和/或密码不正确。" in response.content.decode()


def test_demo_shows_each_seed_call_in_review_with_assignments_reviews_and_rankings(client: Client) -> None:
    from shenbao.reviews.models import Assignment, Review, StageEntry
    from shenbao.reviews.queries.ranking import stage_ranking

    load_demo()
    for code in ("xiaomi-jbgs-2025", "smeie-2023", "most-intl-2025-2", "thepaper-kcxf-2025"):
        entries = StageEntry.objects.filter(stage__call__code=code)
        assert entries.count() >= 6, code
        assert Assignment.objects.filter(stage__call__code=code).exists(), code
        assert Review.objects.filter(assignment__stage__call__code=code, state="submitted").exists(), code
        assert all(e.application.title.startswith("【示例】") for e in entries.select_related("application"))
    finals = StageEntry.objects.filter(stage__call__code="smeie-2023", stage__code="finals")
    assert finals.count() == 3  # each track's first prize
    ranking = stage_ranking(finals.first().stage)  # type: ignore[union-attr]
    assert [row.ranked.rank for row in ranking.groups[""]] == [1, 2, 3]
    # The demo reviewer has work waiting; the officer sees the board and the ranking.
    client.post("/accounts/login/", {"username": "reviewer@example.com", "password": DEMO_PASSWORD})
    assert "data-assignment=" in client.get("/review/").content.decode()
    client.logout()
    client.post("/accounts/login/", {"username": "officer@example.com", "password": DEMO_PASSWORD})
    stage = finals.first().stage  # type: ignore[union-attr]
    assert client.get(f"/staff/stages/{stage.pk}/ranking/").status_code == 200
    assert client.get(f"/staff/stages/{stage.pk}/live/").status_code == 200
    assert client.get("/staff/calls/xiaomi-jbgs-2025/review/").status_code == 200
    # Seed 000's results are published with a public notice running and agreements to sign;
    # seed 003's selection is approved and published, one award carried through the post-award stages.
    from shenbao.agreements.models import Agreement
    from shenbao.awards.models import Award, SelectionRun

    awarded = Award.objects.filter(call__code="xiaomi-jbgs-2025", status="published").count()
    assert awarded >= 1
    assert Agreement.objects.filter(award__call__code="xiaomi-jbgs-2025", status="pending").count() == awarded - 1
    assert Agreement.objects.filter(award__call__code="xiaomi-jbgs-2025", status="signed").count() == 1
    assert SelectionRun.objects.get(call__code="most-intl-2025-2").status == "approved"
    from shenbao.agreements.models import AgreementTemplate
    from shenbao.agreements.services.budget import approved_table, grant_yuan
    from shenbao.projects.models import Project

    project = Project.objects.get(agreement__award__call__code="xiaomi-jbgs-2025")
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    # Seed 003 (issue 19): a 1.3 award with matching funds, its approved budget (adjusted, with the
    # reason), its agreement generated from the call's template and signed, two tranches (the first
    # paid) and a mid-term report reviewed by two experts and passed, which made the second due.
    most = Project.objects.get(agreement__award__call__code="most-intl-2025-2")
    agreement = most.agreement
    application = agreement.award.application
    assert application.direction is not None and application.direction.code == "1.3"
    assert AgreementTemplate.objects.filter(call__code="most-intl-2025-2").exists()
    assert (agreement.status, len(agreement.text_sha256)) == ("signed", 64)
    approved = approved_table(agreement)
    assert approved is not None and grant_yuan(approved[1]) == agreement.award.amount_yuan
    assert agreement.approved_budget != application.values["budget_table"] and agreement.approved_budget_reason
    assert (
        agreement.approved_budget["lines"]["equipment"]["enterprise"]
        == application.values["budget_table"]["lines"]["equipment"]["enterprise"]
    )
    tranches = list(most.tranches.order_by("position"))
    assert [(t.condition, t.status) for t in tranches] == [("on_signing", "paid"), ("midterm_passed", "due")]
    assert sum(t.amount_yuan for t in tranches) == agreement.award.amount_yuan
    midterm = most.reports.get(kind="midterm")
    assert midterm.status == "passed" and set(midterm.spending) == {"equipment", "operating", "labour"}
    assert midterm.reviews.filter(submitted_at__isnull=False).count() == 2
    # Named by the assignment solver (their match recorded), each scoring the call's mid-term criteria.
    from shenbao.core.models import AuditEntry

    for review in midterm.reviews.all():
        assert set(review.scores) == {"progress", "cooperation", "funds"} and review.total is not None
        assert review.affinity is not None
    assert AuditEntry.objects.filter(action="shenbao.report.assignment_run", data__kind="midterm").count() == 1
    assert client.get(f"/projects/{most.pk}/").status_code == 200
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert 'class="approved-budget"' in page and agreement.approved_budget_reason in page
    total = f"{agreement.award.amount_yuan / 10_000:,.2f}"
    assert f'<tr class="total"><td>合计</td><td class="number">{total}</td>' in page
    # Seed 003's proposed selection selects what it can and explains every shortfall: 1.1 short of
    # applications (5 against 6), 1.4 held back by its budget, 2.9 without applications.
    most_run = SelectionRun.objects.get(call__code="most-intl-2025-2")
    assert (most_run.result["status"], most_run.result["conflicts"]) == ("optimal", [])
    short = {s["group"]: (s["ranked"], s["selected"], s["causes"]) for s in most_run.result["shortfalls"]}
    assert short["1.1"] == (5, 5, ["fewer_ranked"])
    assert short["1.4"] == (3, 2, ["blocked"])
    assert short["2.9"] == (0, 0, ["no_applications"])
    assert "2.1" not in short and "2.8" not in short  # they reach their number, one on the reserve list each
    results_page = client.get("/staff/calls/most-intl-2025-2/results/").content.decode()
    assert "该方向没有进入排名的申请" in results_page and "仅有 5 项申请进入排名，拟支持 6 项" in results_page
    assert "data-award=" in Client().get("/calls/xiaomi-jbgs-2025/results/").content.decode()
    # Seed 001's finals are proposed into the prize tiers as one list; seed 004's lists have honourees proposed.
    finals_run = SelectionRun.objects.get(call__code="smeie-2023")
    assert (finals_run.status, finals_run.inputs["call_wide"]) == ("proposed", True)
    assert sorted(s["tier"] for s in finals_run.result["selected"]) == ["first", "second", "third"]
    assert "全国总决赛第 1 名；一等奖，共 1 个名额" in client.get("/staff/calls/smeie-2023/results/").content.decode()
    assert SelectionRun.objects.get(call__code="thepaper-kcxf-2025").status == "proposed"
