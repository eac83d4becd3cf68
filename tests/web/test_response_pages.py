"""The answer to the reviews (答辩) in the browser's pages, and reading documents beside the review form.

Permission matrix: only the applicant answers, only while the window is open; only the assigned
reviewer revises; staff follow; every refusal changes nothing.  The applicant never sees who reviewed."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shenbao.accounts.models import User
from shenbao.applications.models import Attachment
from shenbao.core.models import AuditEntry
from shenbao.reviews.models import (
    ApplicantResponse,
    ApplicantResponseRevision,
    DocumentAccess,
    ResponseWindow,
    Review,
    ReviewRevision,
)
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.services.response import open_response_window, revise_review, submit_response

World = Callable[..., dict[str, Any]]


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _state() -> tuple[Any, ...]:
    return (
        sorted(ApplicantResponse.objects.values_list("pk", "text", "revision")),
        ApplicantResponseRevision.objects.count(),
        sorted(Review.objects.values_list("pk", "version", "total", "comment_to_applicant")),
        ReviewRevision.objects.count(),
        ResponseWindow.objects.count(),
        AuditEntry.objects.count(),
    )


def _roles(world: dict[str, Any]) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "applicant": world["mine"].applicant,
        "other_applicant": world["theirs"].applicant,
        "reviewer_unassigned": world["experts"]["general@example.com"],
        "reviewer_assigned": world["a_rice"].reviewer,
        "chair": world["chair"],
        "staff": world["officer"],
    }


def _response_url(world: dict[str, Any]) -> str:
    return f"/applications/{world['mine'].pk}/response/{world['stage'].pk}/"


def test_before_the_window_opens_nobody_reaches_the_answer_page(rebuttal: World) -> None:
    world = rebuttal()
    for role, user in _roles(world).items():
        before = _state()
        response = _client(user).post(_response_url(world), {"text": "答复"})
        expected = 302 if role == "anonymous" else 404
        assert response.status_code == expected, role
        assert _state() == before, role


def test_only_the_applicant_answers_while_the_window_is_open(rebuttal: World) -> None:
    world = rebuttal()
    open_response_window(stage=world["stage"], actor=world["officer"])
    roles = _roles(world)
    for role in [r for r in roles if r != "applicant"]:
        before = _state()
        for method in ("get", "post"):
            response = getattr(_client(roles[role]), method)(_response_url(world), {"text": "冒充的答复"})
            if role == "anonymous":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            else:
                assert response.status_code == 404, (role, method)
        assert _state() == before, role
    applicant = _client(roles["applicant"])
    page = applicant.get(_response_url(world))
    assert page.status_code == 200
    response = applicant.post(_response_url(world), {"text": "感谢专家意见，补充如下。"})
    assert response.status_code == 302 and response["Location"] == _response_url(world)
    assert ApplicantResponse.objects.get().text == "感谢专家意见，补充如下。"
    # A double submit of the same text: still one answer with one version.
    applicant.post(_response_url(world), {"text": "感谢专家意见，补充如下。"})
    assert ApplicantResponse.objects.count() == 1 and ApplicantResponseRevision.objects.count() == 1
    # The other applicant cannot answer for an application of theirs that has no right to a page of mine.
    other_url = f"/applications/{world['unreviewed'].pk}/response/{world['stage'].pk}/"
    assert _client(world["unreviewed"].applicant).get(other_url).status_code == 404


def test_the_applicant_sees_comments_and_totals_but_never_who_reviewed(rebuttal: World) -> None:
    world = rebuttal()
    open_response_window(stage=world["stage"], actor=world["officer"])
    html = _client(world["mine"].applicant).get(_response_url(world)).content.decode()
    assert "育种路线清楚，但田间试验规模偏小。" in html and "创新性强。" in html
    assert 'data-shown-review="1"' in html and 'data-shown-review="2"' in html
    assert html.count("data-total") == 2 and "60.00" in html and "80.00" in html
    for secret in ("rice@example.com", "ai@example.com", "育种专家", "模型专家", "confidential: rice", "confidential: ai"):
        assert secret not in html, secret
    assert "推理加速方案可行。" not in html  # another application's review
    assert 'maxlength="200"' in html


def test_only_comments_are_shown_when_the_stage_shows_only_comments(rebuttal: World) -> None:
    world = rebuttal(response={"duration_days": 5, "applicant_sees": ["comments"]})
    open_response_window(stage=world["stage"], actor=world["officer"])
    html = _client(world["mine"].applicant).get(_response_url(world)).content.decode()
    assert "创新性强。" in html
    assert "data-total" not in html and "60.00" not in html and "80.00" not in html


def test_an_oversize_answer_is_refused_in_the_page_and_keeps_the_saved_one(rebuttal: World) -> None:
    world = rebuttal()
    open_response_window(stage=world["stage"], actor=world["officer"])
    client = _client(world["mine"].applicant)
    client.post(_response_url(world), {"text": "原答复"})
    before = _state()
    response = client.post(_response_url(world), {"text": "长" * 201})
    assert response.status_code == 400
    html = response.content.decode()
    assert "您的答辩有 201 字，本阶段最多允许 200 字。请删减后重新提交。" in html
    assert "长" * 201 in html  # the text typed is shown again, not lost
    assert _state() == before


def test_after_the_deadline_the_page_says_so_and_refuses_changes(rebuttal: World) -> None:
    world = rebuttal()
    window = open_response_window(stage=world["stage"], actor=world["officer"])
    client = _client(world["mine"].applicant)
    client.post(_response_url(world), {"text": "按时的答复"})
    ResponseWindow.objects.filter(pk=window.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(_response_url(world)).content.decode()
    assert "答辩已于" in page and 'id="response-form"' not in page and "按时的答复" in page
    before = _state()
    response = client.post(_response_url(world), {"text": "迟交"})
    assert response.status_code == 400
    assert "您的答辩未被保存。" in response.content.decode()
    assert _state() == before


def _revise_data(world: dict[str, Any], value: str, version: int) -> dict[str, str]:
    data = {f"score-{c.code}": value for c in stage_definition(world["stage"]).criteria}
    return {**data, "version": str(version), "comment_to_applicant": "修改后的意见", "reason": "答辩有说服力"}


def test_only_the_assigned_reviewer_revises_and_staff_see_the_earlier_score(rebuttal: World) -> None:
    world = rebuttal()
    window = open_response_window(stage=world["stage"], actor=world["officer"])
    submit_response(window=window, application=world["mine"], actor=world["mine"].applicant, text="补充了田间试验计划。")
    a_rice = world["a_rice"]
    url = f"/review/assignments/{a_rice.pk}/revise/"
    version = Review.objects.get(assignment=a_rice).version
    roles = _roles(world)
    for role in [r for r in roles if r != "reviewer_assigned"]:
        before = _state()
        response = _client(roles[role]).post(url, _revise_data(world, "9", version))
        assert response.status_code == (302 if role == "anonymous" else 404), role
        assert _state() == before, role
    reviewer = _client(roles["reviewer_assigned"])
    page = reviewer.get(f"/review/assignments/{a_rice.pk}/").content.decode()
    assert "补充了田间试验计划。" in page and 'id="revise-form"' in page
    response = reviewer.post(url, _revise_data(world, "9", version))
    assert response.status_code == 302
    review = Review.objects.get(assignment=a_rice)
    assert review.total == 90.0 and review.comment_to_applicant == "修改后的意见"
    assert ReviewRevision.objects.get(review=review).total == 60.0
    # Staff see the earlier version on the review and on the stage's responses page; so does the chair.
    staff_page = _client(world["officer"]).get(f"/review/assignments/{a_rice.pk}/").content.decode()
    assert 'data-review-revision="1"' in staff_page and "60.00" in staff_page and "答辩有说服力" in staff_page
    for who in ("staff", "chair"):
        board = _client(roles[who]).get(f"/staff/stages/{world['stage'].pk}/responses/")
        assert board.status_code == 200, who
        html = board.content.decode()
        assert "<s " in html and "60.00" in html and "90.00" in html and "补充了田间试验计划。" in html
    # The other reviewer of the same application sees the answer but may not see these revisions.
    other = _client(world["a_ai"].reviewer).get(f"/review/assignments/{world['a_ai'].pk}/").content.decode()
    assert "补充了田间试验计划。" in other and "data-review-revisions" not in other


def test_the_responses_page_and_opening_are_for_the_stages_staff(rebuttal: World) -> None:
    world = rebuttal()
    roles = _roles(world)
    page = f"/staff/stages/{world['stage'].pk}/responses/"
    opening = f"/staff/stages/{world['stage'].pk}/responses/open/"
    for role in [r for r in roles if r not in ("staff", "chair")]:
        assert _client(roles[role]).get(page).status_code == (302 if role == "anonymous" else 404), role
    for role in [r for r in roles if r != "staff"]:
        before = _state()
        assert _client(roles[role]).post(opening).status_code == (302 if role == "anonymous" else 404), role
        assert _state() == before, role
    response = _client(roles["staff"]).post(opening)
    assert response.status_code == 302 and ResponseWindow.objects.filter(stage=world["stage"]).count() == 1
    again = _client(roles["staff"]).post(opening, follow=True)
    assert "本评审阶段的答辩窗口已经开放过。" in again.content.decode()
    assert ResponseWindow.objects.count() == 1


def test_the_applicants_page_links_the_open_window(rebuttal: World) -> None:
    world = rebuttal()
    open_response_window(stage=world["stage"], actor=world["officer"])
    html = _client(world["mine"].applicant).get(f"/applications/{world['mine'].pk}/").content.decode()
    assert f'href="{_response_url(world)}"' in html and "未答辩" in html


# Reading in the page -------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attach(world: dict[str, Any], name: str, data: bytes, fmt: str) -> Attachment:
    application = world["mine"]
    attachment = Attachment(
        application=application, document_code="form", original_name=name, size=len(data), detected_format=fmt
    )
    attachment.sha256 = hashlib.sha256(data).hexdigest()
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    revision = application.revisions.get(number=1)
    revision.content = {
        **revision.content,
        "attachments": [*revision.content.get("attachments", []), {"sha256": attachment.sha256}],
    }
    revision.save(update_fields=["content"])
    return attachment


def test_the_application_pdf_is_read_inline_in_a_frame_of_our_own_pages_and_logged(rebuttal: World) -> None:
    world = rebuttal()
    a_rice = world["a_rice"]
    reviewer = _client(a_rice.reviewer)
    page = reviewer.get(f"/review/assignments/{a_rice.pk}/").content.decode()
    assert f'src="/review/assignments/{a_rice.pk}/read/application.pdf"' in page and 'name="reader"' in page
    response = reviewer.get(f"/review/assignments/{a_rice.pk}/read/application.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; ")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response.content.startswith(b"%PDF")
    download = reviewer.get(f"/review/assignments/{a_rice.pk}/application.pdf")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment; ")
    assert list(DocumentAccess.objects.order_by("pk").values_list("user_id", "mode", "document")) == [
        (a_rice.reviewer_id, "view", f"{world['mine'].receipt_number}.pdf"),
        (a_rice.reviewer_id, "download", f"{world['mine'].receipt_number}.pdf"),
    ]
    assert not DocumentAccess.objects.filter(attachment__isnull=False).exists()
    # The rest of the site still refuses to be framed.
    assert reviewer.get(f"/review/assignments/{a_rice.pk}/")["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("role", ["reviewer_unassigned", "other_applicant", "applicant"])
def test_nobody_else_reads_or_downloads_the_documents(rebuttal: World, role: str) -> None:
    world = rebuttal()
    attachment = _attach(world, "方案.pdf", PDF, "pdf")
    client = _client(_roles(world)[role])
    pk = world["a_rice"].pk
    for url in (
        f"/review/assignments/{pk}/read/application.pdf",
        f"/review/assignments/{pk}/application.pdf",
        f"/review/assignments/{pk}/attachments/{attachment.pk}/read/",
        f"/review/assignments/{pk}/attachments/{attachment.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert not DocumentAccess.objects.exists()


def test_a_pdf_attachment_is_read_inline_and_a_word_one_explains_why_not(rebuttal: World, monkeypatch: Any) -> None:
    # This machine has no LibreOffice; the test says so rather than depend on it.
    monkeypatch.setattr("shenbao.documents.services.conversion.word_converter", lambda: None)
    monkeypatch.setattr("shenbao.web.reviewer.reading.word_converter", lambda: None)
    world = rebuttal()
    pdf = _attach(world, "方案.pdf", PDF, "pdf")
    word = _attach(world, "附件.docx", b"PK\x03\x04 not really a docx", "docx")
    pk = world["a_rice"].pk
    reviewer = _client(world["a_rice"].reviewer)
    page = reviewer.get(f"/review/assignments/{pk}/").content.decode()
    assert f'href="/review/assignments/{pk}/attachments/{pdf.pk}/read/" target="reader"' in page
    assert f'href="/review/assignments/{pk}/attachments/{word.pk}/" download' in page
    inline = reviewer.get(f"/review/assignments/{pk}/attachments/{pdf.pk}/read/")
    assert inline.status_code == 200 and inline.content == PDF
    assert inline["Content-Disposition"].startswith("inline; ") and inline["X-Frame-Options"] == "SAMEORIGIN"
    message = reviewer.get(f"/review/assignments/{pk}/attachments/{word.pk}/read/")
    html = message.content.decode()
    assert message.status_code == 200 and message["X-Frame-Options"] == "SAMEORIGIN"
    assert "“附件.docx”是 Word 文档。本服务器未安装 PDF 转换程序，无法在页面中显示；请下载阅读。" in html
    assert f'href="/review/assignments/{pk}/attachments/{word.pk}/"' in html
    downloaded = reviewer.get(f"/review/assignments/{pk}/attachments/{word.pk}/")
    assert downloaded.status_code == 200
    assert list(DocumentAccess.objects.order_by("pk").values_list("attachment_id", "mode")) == [
        (pdf.pk, "view"),
        (word.pk, "download"),
    ]


def test_a_word_attachment_is_converted_once_where_a_converter_is_configured(
    rebuttal: World, settings: Any, tmp_path: Any
) -> None:
    """Our side of the conversion (the command, the stored result, one conversion per file) with a
    stand-in for LibreOffice, which this machine does not have: it writes a PDF where soffice would."""
    calls = tmp_path / "calls.txt"
    fake = tmp_path / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {calls}\n'
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        "printf '%%PDF-1.4 converted' > \"$2/document.pdf\"\n"
    )
    fake.chmod(0o755)
    settings.SHENBAO_SOFFICE = str(fake)
    world = rebuttal()
    word = _attach(world, "附件.docx", b"PK\x03\x04 a docx", "docx")
    pk = world["a_rice"].pk
    reviewer = _client(world["a_rice"].reviewer)
    for _ in range(2):
        response = reviewer.get(f"/review/assignments/{pk}/attachments/{word.pk}/read/")
        assert response.status_code == 200 and response.content == b"%PDF-1.4 converted"
        assert response["Content-Disposition"] == "inline; filename*=UTF-8''%E9%99%84%E4%BB%B6.pdf"
    assert len(calls.read_text().splitlines()) == 1  # stored after the first conversion
    assert "--headless --norestore --convert-to pdf --outdir" in calls.read_text()
    assert DocumentAccess.objects.filter(attachment=word, mode="view").count() == 2


def test_the_responses_page_costs_the_same_queries_with_answers_and_revisions(rebuttal: World) -> None:
    world = rebuttal()
    window = open_response_window(stage=world["stage"], actor=world["officer"])
    client = _client(world["officer"])
    url = f"/staff/stages/{world['stage'].pk}/responses/"
    client.get(url)  # warm the caches (definitions, permissions)
    with CaptureQueriesContext(connection) as empty:
        assert client.get(url).status_code == 200
    for application in (world["mine"], world["theirs"]):
        submit_response(window=window, application=application, actor=application.applicant, text="答复")
    for key in ("a_rice", "a_ai", "a_theirs"):
        assignment = world[key]
        review = Review.objects.get(assignment=assignment)
        revise_review(
            assignment=assignment,
            actor=assignment.reviewer,
            expected_version=review.version,
            scores=dict.fromkeys(review.scores, 10),
        )
    with CaptureQueriesContext(connection) as full:
        html = client.get(url).content.decode()
    assert html.count("<s ") == 3
    assert len(full.captured_queries) == len(empty.captured_queries)
