"""Large guides are read in the background (a django-tasks task) while the page shows their progress."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.guides.enums import GuideImportStatus
from shenbao.guides.models import GuideImport
from shenbao.guides.tasks import extract_guide_import
from tests.factories import UserFactory
from tests.guides.documents import seed_text

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def database_queue(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _actions(guide: GuideImport) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(guide.pk), action__startswith="shenbao.guide.")
        .values_list("action", flat=True)
        .order_by("pk")
    )


def test_a_small_guide_is_imported_in_the_request(client: Client, officer: Any, settings: Any, database_queue: None) -> None:
    settings.SHENBAO_GUIDE_INLINE_MAX_KB = 200
    client.force_login(officer)
    response = client.post(reverse("web:guide_upload"), {"text": seed_text("000")}, headers=EN)
    guide = GuideImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:guide_detail", args=[guide.pk])
    assert guide.status == GuideImportStatus.EXTRACTED
    assert DBTaskResult.objects.count() == 0
    page = client.get(response["Location"], headers=EN).content.decode()
    assert 'id="guide-draft"' in page and 'id="guide-progress"' not in page


def test_a_large_text_is_queued_shows_progress_and_offers_the_draft_when_ready(
    client: Client, officer: Any, settings: Any, database_queue: None, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHENBAO_GUIDE_INLINE_MAX_KB = 20  # seed 003 is about 100 KB of text
    client.force_login(officer)
    response = client.post(reverse("web:guide_upload"), {"text": seed_text("003")}, headers=EN)
    guide = GuideImport.objects.get()
    assert (guide.status, guide.progress, guide.progress_step, guide.draft) == (GuideImportStatus.QUEUED, 0, "queued", {})
    # Larger than the limit as uploaded: kept as bytes, read by the task.
    # Larger than the limit as uploaded: kept as a file in storage (any worker machine reads it), read by the task.
    queued_name = guide.upload.name
    assert queued_name.startswith("guides/queued/") and queued_name.endswith("/upload")
    with guide.upload.open("rb") as stored:
        assert stored.read() == seed_text("003").strip().encode()
    assert guide.source_text == ""
    assert [t.task_path for t in DBTaskResult.objects.all()] == ["shenbao.guides.tasks.extract_guide_import"]

    page = client.get(response["Location"], headers=EN).content.decode()
    assert 'id="guide-progress"' in page and 'id="guide-draft"' not in page
    polling = f'hx-get="{reverse("web:guide_progress", args=[guide.pk])}" hx-trigger="every 2s"'
    assert polling in page
    assert "Waiting for its turn" in page
    panel = client.get(reverse("web:guide_progress", args=[guide.pk]), headers=ZH).content.decode()
    assert panel.startswith('<section id="guide-progress"') and "等待处理" in panel and "<html" not in panel
    # A queued import has no draft to edit or save yet.
    assert client.post(reverse("web:guide_save_call", args=[guide.pk])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        extract_guide_import.call(guide_id=guide.pk)  # what the worker runs

    guide.refresh_from_db()
    assert (guide.status, guide.progress, guide.progress_step) == (GuideImportStatus.EXTRACTED, 100, "done")
    assert guide.upload.name == "" and not default_storage.exists(queued_name)  # read, then removed
    assert len(guide.draft["directions"]) == 19
    assert [r["matches"] for r in guide.reconciliation] == [True, True, True]
    panel = client.get(reverse("web:guide_progress", args=[guide.pk]), headers=EN).content.decode()
    assert "hx-trigger" not in panel  # polling stops
    assert f'<a class="button primary" href="{reverse("web:guide_detail", args=[guide.pk])}">Review the draft</a>' in panel
    assert 'id="guide-draft"' in client.get(reverse("web:guide_detail", args=[guide.pk])).content.decode()
    assert _actions(guide) == ["shenbao.guide.queued", "shenbao.guide.imported"]
    # Run again (a task delivered twice): nothing changes.
    extract_guide_import.call(guide_id=guide.pk)
    assert _actions(guide) == ["shenbao.guide.queued", "shenbao.guide.imported"]


def test_a_small_file_with_a_large_text_is_read_at_once_and_extracted_in_the_task(
    client: Client, officer: Any, settings: Any, database_queue: None
) -> None:
    data = seed_text("003").encode("gb18030")  # two bytes a character, three in UTF-8
    settings.SHENBAO_GUIDE_INLINE_MAX_KB = len(data) // 1024 + 1
    assert len(seed_text("003").encode()) > settings.SHENBAO_GUIDE_INLINE_MAX_KB * 1024
    client.force_login(officer)
    client.post(reverse("web:guide_upload"), {"document": SimpleUploadedFile("guide.txt", data)}, headers=EN)
    guide = GuideImport.objects.get()
    assert (guide.status, guide.file_kind, guide.encoding, guide.upload) == (GuideImportStatus.QUEUED, "text", "gb18030", "")
    assert guide.source_text == seed_text("003")
    extract_guide_import.call(guide_id=guide.pk)
    guide.refresh_from_db()
    assert (guide.status, guide.file_kind, guide.encoding) == (GuideImportStatus.EXTRACTED, "text", "gb18030")
    assert len(guide.draft["directions"]) == 19


def test_a_failed_background_import_shows_its_error_translated(
    client: Client, officer: Any, settings: Any, database_queue: None, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHENBAO_GUIDE_INLINE_MAX_KB = 1
    client.force_login(officer)
    damaged = SimpleUploadedFile("guide.pdf", b"%PDF-1.4\n" + b"1 0 obj<<>>endobj\n" * 200)
    client.post(reverse("web:guide_upload"), {"document": damaged}, headers=EN)
    guide = GuideImport.objects.get()
    queued_name = guide.upload.name
    assert queued_name.endswith("/upload.pdf") and default_storage.exists(queued_name)
    with django_capture_on_commit_callbacks(execute=True):
        extract_guide_import.call(guide_id=guide.pk)
    guide.refresh_from_db()
    assert (guide.status, guide.error_code, guide.upload.name) == (GuideImportStatus.FAILED, "pdf_unreadable", "")
    assert not default_storage.exists(queued_name)
    url = reverse("web:guide_detail", args=[guide.pk])
    assert '<p class="message error" role="alert">The PDF file is damaged and cannot be read.</p>' in (
        client.get(url, headers=EN).content.decode()
    )
    assert (
        '<p class="message error" role="alert">该 PDF 文件已损坏，无法读取。</p>' in client.get(url, headers=ZH).content.decode()
    )
    assert _actions(guide) == ["shenbao.guide.queued", "shenbao.guide.failed"]


def test_an_unexpected_error_in_the_task_fails_the_import_with_a_sentence(
    officer: Any, settings: Any, database_queue: None, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    settings.SHENBAO_GUIDE_INLINE_MAX_KB = 1
    client.force_login(officer)
    client.post(reverse("web:guide_upload"), {"text": seed_text("000")}, headers=EN)
    guide = GuideImport.objects.get()

    def broken(text: str, progress: Any = None) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("shenbao.guides.services.extract_guide", broken)
    extract_guide_import.call(guide_id=guide.pk)
    guide.refresh_from_db()
    assert (guide.status, guide.error_code) == (GuideImportStatus.FAILED, "internal")
    page = client.get(reverse("web:guide_detail", args=[guide.pk]), headers=EN).content.decode()
    assert "The importer failed on this document. The problem was logged" in page


def test_with_a_backend_that_runs_at_once_the_task_runs_after_the_commit(
    client: Client, officer: Any, settings: Any, django_capture_on_commit_callbacks: Any, tmp_path: Any
) -> None:
    settings.SHENBAO_GUIDE_INLINE_MAX_KB = 20
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("web:guide_upload"), {"text": seed_text("003")}, headers=EN)
    # Two things wait for the commit: queueing the task, and (the task having run) removing the read file.
    assert [c.__qualname__.split(".")[0] for c in callbacks] == ["enqueue_with_commit", "_drop_upload"]
    guide = GuideImport.objects.get()
    assert guide.status == GuideImportStatus.EXTRACTED and len(guide.draft["directions"]) == 19
    assert guide.upload.name == "" and [p for p in (tmp_path / "guides").rglob("*") if p.is_file()] == []


def test_only_the_importer_sees_the_progress(client: Client, officer: Any, settings: Any, database_queue: None) -> None:
    settings.SHENBAO_GUIDE_INLINE_MAX_KB = 20
    client.force_login(officer)
    client.post(reverse("web:guide_upload"), {"text": seed_text("003")}, headers=EN)
    guide = GuideImport.objects.get()
    other = UserFactory()
    grant_program_role(program=Call.objects.get().program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
    client.force_login(other)
    assert client.get(reverse("web:guide_progress", args=[guide.pk])).status_code == 404
    assert client.get(reverse("web:guide_detail", args=[guide.pk])).status_code == 404
