"""Files in an object store through Django's storage API (issue 18), against a local S3 endpoint
started by the suite (moto's server mode on a free port, see tests/ops/s3.py): an upload lands in
the bucket, the permission-checked view answers with a short-lived signed URL that a real HTTP
client follows to the same bytes, another applicant gets no URL at all, streaming works by setting,
a revision's PDF is printed once and kept in the bucket, so is a change approval record (变更批复),
and the endpoint refuses a signed URL that was tampered with or has expired (the signature check in
front of moto, see tests/ops/s3.py)."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Program
from shenbao.calls.services.roles import grant_program_role
from shenbao.config.settings import _downloads, _storages
from shenbao.core.storage import storage_check
from shenbao.documents.services.pdf import latest_revision, pdfs_zip
from shenbao.guides.enums import GuideImportStatus
from shenbao.guides.models import GuideImport
from shenbao.guides.tasks import extract_guide_import
from shenbao.projects.models import Amendment
from shenbao.projects.services.changes import decide_change, request_change
from tests.applications.fixtures import docx_bytes, submitted_seed_003_application
from tests.factories import UserFactory, api_token_key
from tests.guides.documents import seed_text
from tests.ops.s3 import S3Endpoint
from tests.projects.fixtures import started_project

pytestmark = pytest.mark.django_db


def fetch(url: str) -> tuple[int, bytes, dict[str, str]]:
    """What a browser gets from the object store at a signed URL."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 (the test's own local endpoint)
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read(), dict(refused.headers)


def upload_form(client: Client, application: Application, data: bytes, name: str = "申报表.docx") -> None:
    stream = io.BytesIO(data)
    stream.name = name
    response = client.post(
        reverse("web:application_attach", args=[application.pk]), {"document": "application-form", "file": stream}
    )
    assert response.status_code == 302


def test_an_upload_is_stored_in_the_bucket_and_downloads_through_a_signed_redirect(
    s3_endpoint: S3Endpoint, s3_bucket: str, ready_application: Callable[..., Application], scholar: User
) -> None:
    application = ready_application()
    application.attachments.all().delete()
    client = Client()
    client.force_login(scholar)
    data = docx_bytes() + b"\0" * 3  # bytes of this test only
    upload_form(client, application, data)

    attachment = application.attachments.get()
    assert attachment.file.name.startswith(f"applications/{application.pk}/")
    assert attachment.file.name in s3_endpoint.keys(s3_bucket)
    assert s3_endpoint.read(s3_bucket, attachment.file.name) == data

    response = client.get(reverse("web:application_attachment", args=[application.pk, attachment.pk]))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    assert url.startswith(f"{s3_endpoint.url}/{s3_bucket}/applications/{application.pk}/")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["120"] and "X-Amz-Signature" in query
    assert query["response-content-disposition"] == ["attachment; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E8%A1%A8.docx"]

    status, body, _headers = fetch(url)
    assert (status, body) == (200, data)


def with_query(url: str, name: str, value: str) -> str:
    """``url`` with the query parameter ``name`` set to ``value``, every other byte unchanged."""
    changed, count = re.subn(rf"([?&]{name}=)[^&]*", lambda found: found.group(1) + value, url)
    assert count == 1
    return changed


def refusal_code(url: str) -> tuple[int, str]:
    status, body, _headers = fetch(url)
    found = re.search(rb"<Code>(\w+)</Code>", body)
    return status, found.group(1).decode() if found else ""


def test_a_signed_url_serves_its_object_for_its_lifetime_and_nothing_else(
    s3_endpoint: S3Endpoint,
    s3_bucket: str,
    ready_application: Callable[..., Application],
    scholar: User,
    settings: Any,
) -> None:
    application = ready_application()
    attachment = application.attachments.get()
    data = s3_endpoint.read(s3_bucket, attachment.file.name)
    other_key = f"applications/{application.pk}/another-applicants-file.docx"
    s3_endpoint.client().put_object(Bucket=s3_bucket, Key=other_key, Body=b"not yours")
    client = Client()
    client.force_login(scholar)

    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    response = client.get(reverse("web:application_attachment", args=[application.pk, attachment.pk]))
    after = datetime.datetime.now(datetime.UTC)
    assert response.status_code == 302
    url = response["Location"]
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    lifetime = settings.STORAGES["default"]["OPTIONS"]["querystring_expire"]
    assert lifetime == 120 and query["X-Amz-Expires"] == str(lifetime)  # SHENBAO_S3_URL_SECONDS
    signed_at = datetime.datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    assert before <= signed_at <= after

    assert fetch(url)[:2] == (200, data)
    # Another object under the same signature, a longer life, another file name, a changed signature.
    path = urllib.parse.urlsplit(url).path
    assert refusal_code(url.replace(path, f"/{s3_bucket}/{other_key}")) == (403, "SignatureDoesNotMatch")
    assert refusal_code(with_query(url, "X-Amz-Expires", "3600")) == (403, "SignatureDoesNotMatch")
    assert refusal_code(with_query(url, "response-content-disposition", "inline")) == (403, "SignatureDoesNotMatch")
    signature = query["X-Amz-Signature"]
    forged = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert refusal_code(with_query(url, "X-Amz-Signature", forged)) == (403, "SignatureDoesNotMatch")
    assert refusal_code(url.split("?")[0]) == (403, "AccessDenied")  # the bare object: a private bucket
    # The endpoint's clock moved on: served until the lifetime ends, refused after it.
    seconds_left = (signed_at + datetime.timedelta(seconds=lifetime) - datetime.datetime.now(datetime.UTC)).total_seconds()
    with s3_endpoint.later(seconds_left - 5):
        assert fetch(url)[:2] == (200, data)
    with s3_endpoint.later(seconds_left + 1):
        assert refusal_code(url) == (403, "AccessDenied")
        assert b"Request has expired" in fetch(url)[1]
    assert fetch(url)[:2] == (200, data)  # the clock back: the untouched URL still works


def test_another_applicant_gets_no_signed_url(
    s3_endpoint: S3Endpoint, s3_bucket: str, ready_application: Callable[..., Application], scholar: User
) -> None:
    application = ready_application()
    attachment = application.attachments.get()
    stranger = UserFactory()
    client = Client()
    client.force_login(stranger)

    response = client.get(reverse("web:application_attachment", args=[application.pk, attachment.pk]))

    assert response.status_code == 404
    assert "Location" not in response
    assert "X-Amz-Signature" not in response.content.decode()
    anonymous = Client().get(reverse("web:application_attachment", args=[application.pk, attachment.pk]))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert s3_endpoint.keys(s3_bucket) == [attachment.file.name]  # nothing else was written


def test_downloads_stream_through_the_app_server_when_set(
    s3_endpoint: S3Endpoint, s3_bucket: str, ready_application: Callable[..., Application], scholar: User, settings: Any
) -> None:
    settings.SHENBAO_DOWNLOADS = "stream"
    application = ready_application()
    attachment = application.attachments.get()
    client = Client()
    client.force_login(scholar)

    response = client.get(reverse("web:application_attachment", args=[application.pk, attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == s3_endpoint.read(s3_bucket, attachment.file.name)  # type: ignore[attr-defined]
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E7%94%B3%E6%8A%A5%E8%A1%A8.docx"


def test_a_file_missing_from_the_bucket_is_a_404_not_a_dead_link(
    s3_endpoint: S3Endpoint, s3_bucket: str, ready_application: Callable[..., Application], scholar: User
) -> None:
    application = ready_application()
    attachment = application.attachments.get()
    s3_endpoint.client().delete_object(Bucket=s3_bucket, Key=attachment.file.name)
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(scholar)

    response = client.get(reverse("web:application_attachment", args=[application.pk, attachment.pk]))

    assert response.status_code == 404
    assert "Location" not in response


def test_a_revision_pdf_is_printed_once_and_kept_in_the_bucket(s3_endpoint: S3Endpoint, s3_bucket: str) -> None:
    application = submitted_seed_003_application(title="智慧水务关键技术联合研究")
    revision = latest_revision(application)
    assert revision is not None
    client = Client()
    client.force_login(application.applicant)
    url = reverse("web:revision_pdf", args=[application.pk, revision.number])

    first = client.get(url, headers={"Accept-Language": "zh-hans"})
    assert first.status_code == 302
    pdfs = [key for key in s3_endpoint.keys(s3_bucket) if key.startswith("pdfs/")]
    assert len(pdfs) == 1 and pdfs[0].startswith(f"pdfs/{application.pk}/r1-zh-hans-")
    status, body, _headers = fetch(first["Location"])
    assert status == 200 and body.startswith(b"%PDF-")
    assert body == s3_endpoint.read(s3_bucket, pdfs[0])

    modified = s3_endpoint.client().head_object(Bucket=s3_bucket, Key=pdfs[0])["LastModified"]
    again = client.get(url, headers={"Accept-Language": "zh-hans"})
    assert again.status_code == 302
    assert [key for key in s3_endpoint.keys(s3_bucket) if key.startswith("pdfs/")] == pdfs  # not printed again
    assert s3_endpoint.client().head_object(Bucket=s3_bucket, Key=pdfs[0])["LastModified"] == modified
    # The call's zip of PDFs takes the stored one.
    archive = pdfs_zip(applications=[application], language="zh-hans")
    import zipfile

    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.read(f"{application.receipt_number}-r1.pdf") == body

    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(url).status_code == 404


def test_the_storage_check_reaches_the_bucket_and_fails_without_it(
    s3_endpoint: S3Endpoint, s3_bucket: str, settings: Any
) -> None:
    storage_check()
    s3_endpoint.client().delete_bucket(Bucket=s3_bucket)
    with pytest.raises(Exception, match="NoSuchBucket"):
        storage_check()


def test_storage_settings_are_checked_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _storages("local")["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert _downloads("", "local") == "stream"
    assert _downloads("", "s3") == "redirect"
    assert _downloads("STREAM", "s3") == "stream"
    with pytest.raises(ImproperlyConfigured, match="SHENBAO_STORAGE must be local or s3"):
        _storages("ftp")
    monkeypatch.delenv("SHENBAO_S3_BUCKET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SHENBAO_STORAGE=s3 needs SHENBAO_S3_BUCKET"):
        _storages("s3")
    with pytest.raises(ImproperlyConfigured, match="SHENBAO_DOWNLOADS must be stream, or redirect with SHENBAO_STORAGE=s3"):
        _downloads("redirect", "local")
    monkeypatch.setenv("SHENBAO_S3_BUCKET", "site-files")
    monkeypatch.setenv("SHENBAO_S3_URL_SECONDS", "60")
    options = _storages("s3")["default"]["OPTIONS"]
    assert (options["bucket_name"], options["querystring_expire"], options["file_overwrite"], options["default_acl"]) == (
        "site-files",
        60,
        False,
        None,
    )


def test_a_queued_guide_upload_waits_in_the_bucket_for_any_worker(
    s3_endpoint: S3Endpoint, s3_bucket: str, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the worker takes it later
    settings.SHENBAO_GUIDE_INLINE_MAX_KB = 20
    submitted_seed_003_application(title="任一申报")  # loads seed 003's program
    officer = UserFactory()
    grant_program_role(program=Program.objects.get(), user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    client = Client()
    client.force_login(officer)
    data = seed_text("003").encode("utf-8")
    client.post(reverse("web:guide_upload"), {"document": SimpleUploadedFile("指南.txt", data)})
    guide = GuideImport.objects.get()
    queued = [key for key in s3_endpoint.keys(s3_bucket) if key.startswith("guides/queued/")]
    assert guide.status == GuideImportStatus.QUEUED and queued == [guide.upload.name]
    assert s3_endpoint.read(s3_bucket, queued[0]) == data

    with django_capture_on_commit_callbacks(execute=True):
        extract_guide_import.call(guide_id=guide.pk)  # a worker anywhere reads it from the bucket
    guide.refresh_from_db()
    assert (guide.status, guide.filename, guide.upload.name) == (GuideImportStatus.EXTRACTED, "指南.txt", "")
    assert len(guide.draft["directions"]) == 19
    assert [key for key in s3_endpoint.keys(s3_bucket) if key.startswith("guides/")] == []


def test_an_amendment_is_kept_in_the_bucket_and_its_downloads_redirect(
    s3_endpoint: S3Endpoint, s3_bucket: str, load_seed: Callable[[str], Any]
) -> None:
    """A change approval record (变更批复) is generated into the bucket; the page's and the API's
    downloads answer with a signed URL to the same bytes, whose SHA-256 is the one kept."""
    call = load_seed("003")
    officer = UserFactory()
    grant_program_role(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    project = started_project(call, direction="1.2", officer=officer)
    pi = project.agreement.award.application.applicant
    change = request_change(
        project=project,
        kind="extension",
        reason="设备延迟到货",
        new_end_date=project.end_date + datetime.timedelta(days=90),
        actor=pi,
    )
    decide_change(change=change, approve=True, note="同意", actor=officer)
    amendment = Amendment.objects.get()
    assert amendment.file.name.startswith("amendments/") and amendment.file.name in s3_endpoint.keys(s3_bucket)
    stored = s3_endpoint.read(s3_bucket, amendment.file.name)
    assert hashlib.sha256(stored).hexdigest() == amendment.sha256

    client = Client()
    client.force_login(pi)
    page = client.get(reverse("web:agreement_amendment", args=[amendment.agreement_id, 1]))
    api = Client(HTTP_AUTHORIZATION=f"Token {api_token_key(pi)}").get(
        reverse("api-v1:project-amendment-document", args=[project.pk, 1])
    )
    for response in (page, api):
        assert (response.status_code, response["Cache-Control"]) == (302, "private, no-store")
        assert response["Location"].startswith(f"{s3_endpoint.url}/{s3_bucket}/amendments/")
        status, body, _headers = fetch(response["Location"])
        assert (status, body) == (200, stored)
