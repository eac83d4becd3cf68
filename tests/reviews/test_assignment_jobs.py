"""The assignment of a large stage runs as a background task (issue 18): the board queues it, shows its
step and progress, and its outcome or the stage's refusal in the requester's language; one job waits or
runs per stage at a time, and a task delivered twice runs once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client
from django.urls import reverse

from shenbao.core.models import AuditEntry
from shenbao.core.progress import SideProgress
from shenbao.reviews.enums import AssignmentJobStatus, AssignmentStatus, PoolStatus
from shenbao.reviews.models import Assignment, AssignmentJob, PoolMember
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.assignment_jobs import run_assignment_job
from tests.factories import UserFactory
from tests.reviews.fixtures import ReviewSetup

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}


@pytest.fixture
def queued_by_the_worker(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nobody runs it at once
    settings.SHENBAO_ASSIGN_INLINE_MAX_APPLICATIONS = 3  # the four applications of the fixture are "large"


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_large_stage_is_assigned_in_the_background_with_progress(
    client: Client, in_review: Callable[..., ReviewSetup], queued_by_the_worker: None
) -> None:
    setup = in_review()
    client.force_login(setup.officer)
    board = reverse("web:stage_board", args=[setup.stage.pk])
    panel_url = reverse("web:stage_assignment_job", args=[setup.stage.pk])
    assert client.get(panel_url).status_code == 404  # nothing run in the background yet

    response = client.post(
        reverse("web:stage_assign", args=[setup.stage.pk]), {"mode": "optimal", "k": "2"}, headers=EN, follow=True
    )
    assert _messages(response) == ["The assignment is being computed in the background; this page shows its progress."]
    job = AssignmentJob.objects.get()
    assert (job.status, job.parameters, job.language, job.requested_by) == (
        AssignmentJobStatus.QUEUED,
        {
            "mode": "optimal",
            "k": 2,
            "seed": None,
            "group_by_direction": False,
            "bid_weight": None,
            "fair_measure": "pair",
            "fair_max_loss": 0.01,
        },
        "en",
        setup.officer,
    )
    assert not Assignment.objects.exists()
    page = response.content.decode()
    assert 'data-state="queued"' in page and f'hx-get="{panel_url}" hx-trigger="every 2s"' in page

    # A second click while it waits queues nothing and says why.
    again = client.post(reverse("web:stage_assign", args=[setup.stage.pk]), {"mode": "random"}, headers=EN, follow=True)
    assert _messages(again) == ["An assignment of this stage is already waiting or running; wait for it to finish."]
    assert AssignmentJob.objects.count() == 1

    AssignmentJob.objects.filter(pk=job.pk).update(status=AssignmentJobStatus.RUNNING, progress=45, progress_step="solving")
    running = client.get(panel_url, headers=EN).content.decode()
    assert running.startswith('<section id="assignment-job"') and 'data-state="running"' in running
    assert 'value="45"' in running and "Computing the assignment" in running and "hx-trigger" in running
    AssignmentJob.objects.filter(pk=job.pk).update(status=AssignmentJobStatus.QUEUED, progress=0, progress_step="")

    run_assignment_job(job_id=job.pk)  # what the worker runs
    job.refresh_from_db()
    assert (job.status, job.progress, job.progress_step) == (AssignmentJobStatus.DONE, 100, "done")
    assert job.outcome["created"] == Assignment.objects.filter(status=AssignmentStatus.ACTIVE).count() == 8
    assert (job.outcome["kept"], job.outcome["short"]) == (0, 0)
    done = client.get(panel_url, headers=EN).content.decode()
    assert 'data-state="done"' in done and "hx-trigger" not in done
    assert "8 assignment(s) made, 0 kept; 0 application(s) short of reviewers." in done
    assert 'id="assignment-job"' in client.get(board).content.decode()  # shown on the board for a day

    run_assignment_job(job_id=job.pk)  # the task delivered twice: nothing runs again
    assert Assignment.objects.count() == 8
    actions = list(AuditEntry.objects.for_object(job).order_by("pk").values_list("data__to", flat=True))
    assert actions == [AssignmentJobStatus.RUNNING, AssignmentJobStatus.DONE]
    assert AuditEntry.objects.filter(action="shenbao.review.assignment_job.queued", object_id=str(setup.stage.pk)).count() == 1


def test_a_refusal_of_the_stage_is_kept_in_the_requesters_language(
    client: Client, in_review: Callable[..., ReviewSetup], queued_by_the_worker: None
) -> None:
    setup = in_review()
    PoolMember.objects.filter(call=setup.call).update(status=PoolStatus.DECLINED)  # nobody to assign
    client.force_login(setup.officer)
    client.post(reverse("web:stage_assign", args=[setup.stage.pk]), {"mode": "optimal"}, headers=ZH)
    job = AssignmentJob.objects.get()
    assert job.language == "zh-hans"
    run_assignment_job(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (AssignmentJobStatus.FAILED, "stage_not_ready")
    assert job.error_message == "评审专家库中还没有已接受邀请且有空的专家。"
    panel = client.get(reverse("web:stage_assignment_job", args=[setup.stage.pk]), headers=ZH).content.decode()
    assert 'role="alert"' in panel and job.error_message in panel and "hx-trigger" not in panel
    # Failed: a new run may be queued.
    client.post(reverse("web:stage_assign", args=[setup.stage.pk]), {"mode": "optimal"}, headers=ZH)
    assert AssignmentJob.objects.count() == 2


def test_small_stages_are_still_assigned_in_the_request(
    client: Client, in_review: Callable[..., ReviewSetup], settings: Any
) -> None:
    settings.SHENBAO_ASSIGN_INLINE_MAX_APPLICATIONS = 4
    setup = in_review()
    client.force_login(setup.officer)
    client.post(reverse("web:stage_assign", args=[setup.stage.pk]), {"mode": "optimal", "k": "2"})
    assert Assignment.objects.count() == 8 and not AssignmentJob.objects.exists()


def test_only_the_stages_staff_see_or_queue_a_background_run(
    client: Client, in_review: Callable[..., ReviewSetup], queued_by_the_worker: None
) -> None:
    setup = in_review()
    client.force_login(setup.officer)
    client.post(reverse("web:stage_assign", args=[setup.stage.pk]), {"mode": "optimal"})
    expert = PoolMember.objects.filter(call=setup.call).first()
    assert expert is not None
    for user in (UserFactory(), expert.user, setup.applications[0].applicant):
        client.force_login(user)
        assert client.get(reverse("web:stage_assignment_job", args=[setup.stage.pk])).status_code == 404
        assert client.post(reverse("web:stage_assign", args=[setup.stage.pk]), {"mode": "optimal"}).status_code == 404
    assert AssignmentJob.objects.count() == 1


def test_run_assignment_reports_each_step(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    heard: list[tuple[str, float]] = []
    run_assignment(stage=setup.stage, actor=setup.officer, k=2, progress=lambda step, share: heard.append((step, share)))
    assert heard == [("loading", 0.0), ("conflicts", 0.1), ("affinity", 0.25), ("solving", 0.45), ("saving", 0.75)]


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_before_the_work_commits_on_postgresql(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    job = AssignmentJob.objects.create(stage=setup.stage, language="en", requested_by=setup.officer)
    progress = SideProgress(AssignmentJob, job.pk)
    with transaction.atomic():
        AssignmentJob.objects.select_for_update().filter(stage=setup.stage).exclude(pk=job.pk).exists()  # the work's transaction
        progress("solving", 0.45)
        reader = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with reader.cursor() as cursor:
                cursor.execute("SELECT progress, progress_step FROM reviews_assignmentjob WHERE id = %s", [job.pk])
                seen = cursor.fetchone()
        finally:
            reader.close()
    progress.close()
    if connection.vendor == "postgresql":
        assert seen == (45, "solving")
    else:  # SQLite has one writer at a time: no mid-run progress, the panel says "being computed"
        assert progress.enabled is False and seen == (0, "")
