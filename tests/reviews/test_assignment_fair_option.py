"""Staff choose how fair mode measures the weakest application and how much total match it may cost."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.models import Assignment, AssignmentRun
from shenbao.reviews.services.assignment import run_assignment
from tests.reviews.fixtures import ReviewSetup


def test_fair_by_sum_is_stored_with_its_loss_and_the_weakest_sum(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    outcome = run_assignment(stage=setup.stage, actor=setup.officer, mode="fair", k=2, fair_measure="sum", fair_max_loss=0.05)
    run = outcome.run
    assert run.parameters["fair_measure"] == "sum"
    assert run.parameters["fair_max_loss"] == 0.05
    rows = Assignment.objects.filter(run=run).values_list("application_id", "affinity")
    sums: dict[int, float] = {}
    for application, affinity in rows:
        sums[application] = sums.get(application, 0.0) + float(affinity or 0)
    assert outcome.created == 8 and outcome.short == 0
    assert run.summary["min_app_sum"] == pytest.approx(min(sums.values()), abs=1e-5)


def test_optimal_runs_do_not_carry_fair_parameters(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    run = run_assignment(stage=setup.stage, actor=setup.officer, k=1).run
    assert "fair_measure" not in run.parameters and "fair_max_loss" not in run.parameters


@pytest.mark.parametrize(
    ("measure", "loss", "message"),
    [
        ("worst", 0.01, "请选择公平性的衡量方式"),
        ("sum", 0.6, "0 至 50 之间的百分比"),
        ("sum", -0.01, "0 至 50 之间的百分比"),
    ],
)
def test_a_bad_measure_or_loss_is_refused_and_nothing_is_saved(
    in_review: Callable[..., ReviewSetup], measure: str, loss: float, message: str
) -> None:
    setup = in_review()
    with pytest.raises(StageNotReady, match=message):
        run_assignment(stage=setup.stage, actor=setup.officer, mode="fair", k=1, fair_measure=measure, fair_max_loss=loss)
    assert AssignmentRun.objects.count() == 0 and Assignment.objects.count() == 0


def test_the_board_form_passes_the_measure_and_the_percentage(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    client = Client()
    client.force_login(setup.officer)
    page = client.get(f"/staff/stages/{setup.stage.pk}/board/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "每个申报的评审专家匹配度之和" in page.content.decode() and 'name="fair_loss"' in page.content.decode()
    response = client.post(
        f"/staff/stages/{setup.stage.pk}/assign/", {"mode": "fair", "k": "1", "fair_measure": "sum", "fair_loss": "2.5"}
    )
    assert response.status_code == 302
    run = AssignmentRun.objects.get()
    assert (run.mode, run.parameters["fair_measure"], run.parameters["fair_max_loss"]) == ("fair", "sum", 0.025)


@pytest.mark.parametrize("typed", ["abc", "51", "-1", "nan"])
def test_the_board_refuses_a_percentage_it_cannot_use(in_review: Callable[..., ReviewSetup], typed: str) -> None:
    setup = in_review()
    client = Client()
    client.force_login(setup.officer)
    response = client.post(
        f"/staff/stages/{setup.stage.pk}/assign/",
        {"mode": "fair", "k": "1", "fair_measure": "sum", "fair_loss": typed},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "总匹配度的损失须为 0 至 50 之间的百分比。" in response.content.decode()
    assert AssignmentRun.objects.count() == 0
