"""The selection of a large call runs as a background task (issue 18): the results page queues it, shows
its step and progress, and the saved run or the refusal in the requester's language; one job waits or
runs per call at a time, and a task delivered twice runs once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.applications.models import Application, Partner
from shenbao.awards.enums import SelectionJobStatus
from shenbao.awards.models import SelectionJob, SelectionRun
from shenbao.awards.services.selection import run_selection
from shenbao.awards.services.selection_jobs import run_selection_job
from shenbao.calls.models import Call, ReviewStage
from shenbao.core.models import AuditEntry
from shenbao.reviews.models import Assignment
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.e2e.test_selection_flow import ENTRIES, officer_of
from tests.factories import UserFactory
from tests.reviews.fixtures import add_expert, checked_application, score_all

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}


@pytest.fixture
def ranked_call(load_seed: Callable[[str], Call]) -> tuple[Call, User]:
    """Seed 003 with five applications ranked in its expert review (as in the e2e selection flow)."""
    call = load_seed("003")
    officer = officer_of(call)
    for i, (direction, title, country, _score, request) in enumerate(ENTRIES):
        application = checked_application(call, direction=direction, title=title, email=f"p{i}@example.com")
        Application.objects.filter(pk=application.pk).update(requested_yuan=request)
        Partner.objects.create(application=application, side="foreign", name=f"{title}合作方", type="university", country=country)
    stage = ReviewStage.objects.get(call=call, code="expert-review")
    open_stage(stage=stage, actor=officer)
    for n in range(3):
        add_expert(call, f"x{n}@example.com", officer=officer)
    run_assignment(stage=stage, actor=officer)
    marks = {title: score for _d, title, _c, score, _r in ENTRIES}
    for a in Assignment.objects.filter(stage=stage).select_related("application"):
        score_all(a, marks[a.application.title])
    return call, officer


@pytest.fixture
def queued_by_the_worker(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nobody runs it at once
    settings.SHENBAO_SELECT_INLINE_MAX_APPLICATIONS = 4  # the five ranked applications are "large"


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _titles(ids: list[int]) -> list[str]:
    return sorted(Application.objects.get(pk=pk).title for pk in ids)


def test_a_large_call_is_selected_in_the_background_with_progress(
    client: Client, ranked_call: tuple[Call, User], queued_by_the_worker: None
) -> None:
    call, officer = ranked_call
    client.force_login(officer)
    act = reverse("web:results_action", args=[call.code])
    panel_url = reverse("web:selection_job", args=[call.code])
    assert client.get(panel_url).status_code == 404  # nothing run in the background yet
    moroccan = Application.objects.get(call=call, title="摩洛哥").pk

    response = client.post(act, {"action": "run", "excludes": f"{moroccan}"}, headers=EN, follow=True)
    assert _messages(response) == ["The selection is being computed in the background; this page shows its progress."]
    job = SelectionJob.objects.get()
    assert (job.status, job.parameters, job.language, job.requested_by) == (
        SelectionJobStatus.QUEUED,
        {"pins": [], "excludes": [moroccan], "tier_counts": {}},
        "en",
        officer,
    )
    assert not SelectionRun.objects.exists()
    page = response.content.decode()
    assert 'data-state="queued"' in page and f'hx-get="{panel_url}" hx-trigger="every 2s"' in page

    # A second click while it waits queues nothing and says why.
    again = client.post(act, {"action": "run"}, headers=EN, follow=True)
    assert _messages(again) == ["A selection of this call is already waiting or running; wait for it to finish."]
    assert SelectionJob.objects.count() == 1

    SelectionJob.objects.filter(pk=job.pk).update(status=SelectionJobStatus.RUNNING, progress=50, progress_step="solving")
    running = client.get(panel_url, headers=EN).content.decode()
    assert running.startswith('<section id="selection-job"') and 'data-state="running"' in running
    assert 'value="50"' in running and "Computing the selection" in running and "hx-trigger" in running
    SelectionJob.objects.filter(pk=job.pk).update(status=SelectionJobStatus.QUEUED, progress=0, progress_step="")

    run_selection_job(job_id=job.pk)  # what the worker runs
    job.refresh_from_db()
    run = SelectionRun.objects.get()
    assert (job.status, job.progress, job.progress_step) == (SelectionJobStatus.DONE, 100, "done")
    assert job.outcome == {"run": run.pk, "status": "optimal", "selected": 2}
    assert run.excluded == [moroccan] and run.created_by == officer
    # Without 摩洛哥, 1.5 takes an Egyptian project only if 1.6 does not (the exclusivity): 1.6 keeps both.
    assert _titles([s["application"] for s in run.result["selected"]]) == ["埃及丙", "肯尼亚"]
    done = client.get(panel_url, headers=EN).content.decode()
    assert 'data-state="done"' in done and "hx-trigger" not in done
    assert f"selection #{run.pk}, 2 application(s) selected." in done
    assert f"?run={run.pk}" in done
    assert 'id="selection-job"' in client.get(reverse("web:results_staff", args=[call.code])).content.decode()

    run_selection_job(job_id=job.pk)  # the task delivered twice: nothing runs again
    assert SelectionRun.objects.count() == 1
    moves = list(AuditEntry.objects.for_object(job).order_by("pk").values_list("action", "data__to"))
    assert moves == [("shenbao.selection.job.running", "running"), ("shenbao.selection.job.done", "done")]
    assert AuditEntry.objects.filter(action="shenbao.selection.job.queued", object_id=str(call.pk)).count() == 1
    assert AuditEntry.objects.filter(action="shenbao.selection.run").count() == 1


def test_a_refusal_is_kept_in_the_requesters_language(
    client: Client, ranked_call: tuple[Call, User], queued_by_the_worker: None
) -> None:
    call, officer = ranked_call
    client.force_login(officer)
    act = reverse("web:results_action", args=[call.code])
    client.post(act, {"action": "run", "pins": "999999"}, headers=ZH)  # no such candidate
    job = SelectionJob.objects.get()
    assert job.language == "zh-hans"
    run_selection_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code, job.outcome) == (SelectionJobStatus.FAILED, "selection_error", {})
    assert job.error_message == "无法读取遴选规则（unknown_application）。"
    assert not SelectionRun.objects.exists()
    panel = client.get(reverse("web:selection_job", args=[call.code]), headers=ZH).content.decode()
    assert 'role="alert"' in panel and job.error_message in panel and "hx-trigger" not in panel
    assert list(AuditEntry.objects.for_object(job).order_by("pk").values_list("data__to", flat=True)) == [
        "running",
        "failed",
    ]
    # Failed: a new run may be queued.
    client.post(act, {"action": "run"}, headers=ZH)
    assert SelectionJob.objects.count() == 2


def test_small_calls_are_still_selected_in_the_request(client: Client, ranked_call: tuple[Call, User], settings: Any) -> None:
    settings.SHENBAO_SELECT_INLINE_MAX_APPLICATIONS = 5
    call, officer = ranked_call
    client.force_login(officer)
    response = client.post(reverse("web:results_action", args=[call.code]), {"action": "run"}, headers=EN, follow=True)
    assert _messages(response) == ["Selection computed; review it before approving."]
    run = SelectionRun.objects.get()
    assert _titles([s["application"] for s in run.result["selected"]]) == ["埃及丙", "摩洛哥", "肯尼亚"]
    assert not SelectionJob.objects.exists()


def test_only_those_who_may_select_see_or_queue_a_background_run(
    client: Client, ranked_call: tuple[Call, User], queued_by_the_worker: None
) -> None:
    call, officer = ranked_call
    client.force_login(officer)
    client.post(reverse("web:results_action", args=[call.code]), {"action": "run"})
    expert = Assignment.objects.filter(stage__call=call).first()
    assert expert is not None
    applicant = Application.objects.filter(call=call).first()
    assert applicant is not None
    for user in (UserFactory(), expert.reviewer, applicant.applicant):
        client.force_login(user)
        assert client.get(reverse("web:selection_job", args=[call.code])).status_code == 404
        assert client.post(reverse("web:results_action", args=[call.code]), {"action": "run"}).status_code == 404
    assert SelectionJob.objects.count() == 1


def test_run_selection_reports_each_step(ranked_call: tuple[Call, User]) -> None:
    call, officer = ranked_call
    heard: list[tuple[str, float]] = []
    run_selection(call=call, actor=officer, progress=lambda step, share: heard.append((step, share)))
    assert heard == [("loading", 0.0), ("ranking", 0.1), ("solving", 0.5), ("saving", 0.9)]
