"""Files prepared in the background (issue 18): the zip of a call's PDFs and large exports are
queued, built by the task with progress, stored through the storage API and downloaded by the
staff member who asked for them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from shenbao.applications.models import Application
from shenbao.applications.services.submission import submit_application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.documents.enums import FileJobStatus
from shenbao.documents.exports.base import Filters
from shenbao.documents.models import FileJob
from shenbao.documents.services import jobs
from shenbao.documents.services.jobs import run_file_job, start_file_job
from tests.factories import UserFactory, api_token_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer(xiaomi_call: Call) -> Any:
    user = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


@pytest.fixture
def submitted(ready_application: Callable[..., Application]) -> Application:
    application = ready_application("XM-T1")
    submit_application(application=application, actor=application.applicant)
    application.refresh_from_db()
    return application


def test_pdf_zip_is_queued_built_with_progress_and_downloaded(
    client: Client, officer: Any, submitted: Application, xiaomi_call: Call, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(officer)
    page = client.get(reverse("web:formal_check", args=[xiaomi_call.code])).content.decode()
    assert f'action="{reverse("web:call_pdfs", args=[xiaomi_call.code])}"' in page

    # The immediate backend (the tests' setting) runs the task when the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:call_pdfs", args=[xiaomi_call.code]), {"state": "all"})
    job = FileJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:file_job", args=[job.pk])
    assert (job.status, job.progress, job.done_items, job.total_items) == (FileJobStatus.DONE, 100, 1, 1)
    assert job.filename == f"{xiaomi_call.code}-pdfs-filtered-state_all.zip"
    assert default_storage.exists(job.result.name)
    assert [e.action for e in AuditEntry.objects.for_object(job).order_by("pk")] == [
        "shenbao.file_job.queued",
        "shenbao.file_job.running",
        "shenbao.file_job.done",
    ]

    ready = client.get(reverse("web:file_job", args=[job.pk])).content.decode()
    assert 'data-state="done"' in ready and reverse("web:file_job_download", args=[job.pk]) in ready
    assert "hx-trigger" not in ready  # nothing left to poll
    download = client.get(reverse("web:file_job_download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert job.filename in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))  # type: ignore[attr-defined]
    assert archive.namelist() == [f"{submitted.receipt_number}-r1.pdf"]


def test_job_page_shows_each_state_and_polls_until_ready(client: Client, officer: Any, xiaomi_call: Call, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # nobody runs it
    job = start_file_job(call=xiaomi_call, kind="pdfs", file_format="zip", filters=Filters(), language="en", actor=officer)
    client.force_login(officer)
    url = reverse("web:file_job_progress", args=[job.pk])

    queued = client.get(reverse("web:file_job", args=[job.pk])).content.decode()
    assert 'data-state="queued"' in queued and f'hx-get="{url}"' in queued
    assert client.get(reverse("web:file_job_download", args=[job.pk])).status_code == 404  # not ready

    FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.RUNNING, progress=40, done_items=2, total_items=5)
    running = client.get(url).content.decode()
    assert 'data-state="running"' in running and 'value="40"' in running and "2 / 5" in running

    FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.FAILED)
    failed = client.get(url).content.decode()
    assert 'data-state="failed"' in failed and 'role="alert"' in failed and "hx-trigger" not in failed


def test_a_job_runs_once_and_a_failure_is_recorded(officer: Any, xiaomi_call: Call, settings: Any, monkeypatch: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = start_file_job(
        call=xiaomi_call, kind="applications", file_format="csv", filters=Filters(), language="zh-hans", actor=officer
    )
    run_file_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE and job.filename == f"{xiaomi_call.code}-applications.csv"
    first = job.result.name
    run_file_job(job_id=job.pk)  # the task delivered twice: nothing is built again
    job.refresh_from_db()
    assert job.result.name == first and AuditEntry.objects.for_object(job).count() == 3

    broken = start_file_job(call=xiaomi_call, kind="pdfs", file_format="zip", filters=Filters(), language="en", actor=officer)

    def explode(**_: Any) -> bytes:
        raise RuntimeError("renderer down")

    monkeypatch.setattr(jobs, "pdfs_zip", explode)
    run_file_job(job_id=broken.pk)
    broken.refresh_from_db()
    assert (broken.status, broken.error_code, broken.result.name) == (FileJobStatus.FAILED, "internal", "")


def test_large_export_is_offered_in_the_background(
    client: Client,
    officer: Any,
    submitted: Application,
    xiaomi_call: Call,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SHENBAO_EXPORT_INLINE_MAX_APPLICATIONS = 0
    client.force_login(officer)
    url = reverse("web:call_export", args=[xiaomi_call.code, "applications", "xlsx"])
    offer = client.get(url + "?direction=XM-T1")
    assert offer.status_code == 200 and offer["Content-Type"].startswith("text/html")
    assert f'action="{url}"' in offer.content.decode() and 'value="XM-T1"' in offer.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"direction": "XM-T1"})
    job = FileJob.objects.get()
    assert response["Location"] == reverse("web:file_job", args=[job.pk])
    assert (job.kind, job.file_format, job.filters["direction"], job.status) == ("applications", "xlsx", "XM-T1", "done")
    assert client.get(reverse("web:file_job_download", args=[job.pk])).status_code == 200

    bad = client.post(url, {"q": "state:"})  # a search that cannot run is refused before anything is queued
    assert bad.status_code == 400 and FileJob.objects.count() == 1


def test_only_who_asked_and_still_may_opens_the_job(client: Client, officer: Any, xiaomi_call: Call, settings: Any) -> None:
    job = start_file_job(
        call=xiaomi_call, kind="applications", file_format="csv", filters=Filters(), language="en", actor=officer
    )
    run_file_job(job_id=job.pk)  # the worker's part (the on-commit queueing does not fire in a test transaction)
    colleague = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=colleague, role=ProgramRoleKind.PROGRAM_OFFICER)
    routes = [reverse(name, args=[job.pk]) for name in ("web:file_job", "web:file_job_progress", "web:file_job_download")]
    for user in (colleague, UserFactory()):
        client.force_login(user)
        assert [client.get(url).status_code for url in routes] == [404, 404, 404]
    client.logout()
    assert all(client.get(url).status_code == 302 for url in routes)  # to the log-in page
    client.force_login(officer)
    assert [client.get(url).status_code for url in routes] == [200, 200, 200]
    # The officer loses the program role: the file they asked for is closed to them too.
    from shenbao.calls.models import ProgramRole

    ProgramRole.objects.filter(user=officer).delete()
    assert [client.get(url).status_code for url in routes] == [404, 404, 404]


def test_ready_files_are_removed_after_the_retention_period(
    client: Client, officer: Any, xiaomi_call: Call, settings: Any
) -> None:
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.SHENBAO_FILE_JOB_RETENTION_DAYS = 7
    old, fresh, failed = (
        start_file_job(call=xiaomi_call, kind="applications", file_format="csv", filters=Filters(), language="en", actor=officer)
        for _ in range(3)
    )
    for job in (old, fresh):
        run_file_job(job_id=job.pk)
    FileJob.objects.filter(pk=failed.pk).update(status=FileJobStatus.FAILED, finished_at=timezone.now() - timedelta(days=30))
    FileJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=7, minutes=1))
    old.refresh_from_db()
    old_name, old_size = old.result.name, default_storage.size(old.result.name)
    assert old_size > 0

    out = io.StringIO()
    call_command("purge_file_jobs", stdout=out)
    assert out.getvalue().strip() == f"files removed: 1; bytes freed: {old_size}"

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.result.name) == (FileJobStatus.EXPIRED, "")
    assert not default_storage.exists(old_name)
    assert fresh.status == FileJobStatus.DONE and default_storage.exists(fresh.result.name)
    assert FileJob.objects.get(pk=failed.pk).status == FileJobStatus.FAILED
    entry = AuditEntry.objects.for_object(old).order_by("pk").last()
    assert entry is not None and entry.data["to"] == FileJobStatus.EXPIRED and entry.data["bytes"] == old_size

    # The job page says the file is gone; its download is refused.
    client.force_login(officer)
    page = client.get(reverse("web:file_job_progress", args=[old.pk])).content.decode()
    assert 'data-state="expired"' in page and "hx-trigger" not in page
    assert "removed after the retention period" in page or "保留期" in page
    assert client.get(reverse("web:file_job_download", args=[old.pk])).status_code == 404

    # A second run finds nothing; --days 0 takes the fresh one too.
    out = io.StringIO()
    call_command("purge_file_jobs", stdout=out)
    assert out.getvalue().strip() == "files removed: 0; bytes freed: 0"
    call_command("purge_file_jobs", "--days", "0", stdout=io.StringIO())
    fresh.refresh_from_db()
    assert fresh.status == FileJobStatus.EXPIRED


def test_the_api_queues_large_exports_and_serves_the_file_when_ready(
    officer: Any, submitted: Application, xiaomi_call: Call, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHENBAO_EXPORT_INLINE_MAX_APPLICATIONS = 0  # one submitted application is "large"
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(officer)}", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/calls/{xiaomi_call.code}/exports/applications.csv"

    refused = api.get(url)
    assert refused.status_code == 409 and refused.json()["code"] == "export_in_background"
    assert refused.json()["detail"].startswith("This call has too many applications to export in one request.")
    assert api.post(url + "?q=score>>", HTTP_ACCEPT_LANGUAGE="en").status_code == 400  # a search that cannot run
    assert FileJob.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        queued = api.post(url)
    assert queued.status_code == 202
    job = FileJob.objects.get()
    body = queued.json()
    assert queued["Location"] == body["url"] == f"http://testserver/api/v1/jobs/{job.pk}/"
    assert (body["kind"], body["file_format"], body["status"], body["download"]) == ("applications", "csv", "queued", None)
    body = api.get(body["url"]).json()  # the worker (here: at the commit) has built it since
    assert (body["status"], body["progress"], body["filename"]) == ("done", 100, f"{xiaomi_call.code}-applications.csv")
    assert body["download"] == f"http://testserver/api/v1/jobs/{job.pk}/download"

    download = api.get(body["download"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content) if download.streaming else download.content  # type: ignore[attr-defined]
    assert submitted.receipt_number.encode() in content

    # Not ready (or gone): 409 with the job's state; somebody else's job: 404.
    FileJob.objects.filter(pk=job.pk).update(status=FileJobStatus.RUNNING)
    waiting = api.get(body["download"])
    assert waiting.status_code == 409 and waiting.json() == {
        "code": "file_not_ready",
        "detail": "The file is not ready: its job is Being prepared.",
    }
    other = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(other)}")
    assert stranger.get(body["url"]).status_code == 404 and stranger.get(body["download"]).status_code == 404
    # The applicant may not queue a call's export at all.
    applicant = APIClient()
    applicant.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(submitted.applicant)}")
    assert applicant.post(url).status_code == 404 and FileJob.objects.count() == 1
