"""The guide-import staff pages: upload, review beside the source, edit with htmx, save; who may do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.guides.models import GuideImport
from shenbao.guides.services import import_guide
from tests.factories import UserFactory
from tests.guides.documents import make_docx, make_pdf, seed_text

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def program_call(load_seed: Callable[[str], Call]) -> Call:
    return load_seed("004")


@pytest.fixture
def officer(program_call: Call) -> Any:
    user = UserFactory()
    grant_program_role(program=program_call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def test_upload_shows_source_with_spans_beside_the_draft(client: Client, officer: Any) -> None:
    client.force_login(officer)
    upload = SimpleUploadedFile("guide.docx", make_docx(seed_text("003").split("\n")))
    response = client.post(reverse("web:guide_upload"), {"document": upload}, headers=EN)
    guide = GuideImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:guide_detail", args=[guide.pk])
    page = client.get(response["Location"], headers=EN).content.decode()
    assert page.count('<mark id="span-') >= 19 * 3
    assert 'data-path="directions.0.quota"' in page
    assert page.count('<tr class="ok" data-measure=') == 3
    assert "<td>中国和新西兰政府间科技合作项目</td><td>6</td><td>CNY 10,800,000</td>" in page


def test_pasted_text_and_a_scan_without_text(client: Client, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(reverse("web:guide_upload"), {"text": seed_text("000")}, headers=EN)
    assert response.status_code == 302
    scan = SimpleUploadedFile("scan.pdf", make_pdf(None))
    response = client.post(reverse("web:guide_upload"), {"document": scan}, headers=EN, follow=True)
    assert "The PDF has no text layer" in response.content.decode()
    assert GuideImport.objects.count() == 1


def test_htmx_edit_returns_the_panel_with_errors_or_saved(client: Client, officer: Any) -> None:
    guide = import_guide(data=seed_text("000").encode(), filename="000.txt", actor=officer)
    client.force_login(officer)
    url = reverse("web:guide_edit", args=[guide.pk])
    bad = client.post(url, {"definition": "program: [unclosed"}, headers={**EN, "HX-Request": "true"}).content.decode()
    assert '<ul class="errors" role="alert">' in bad and "<html" not in bad
    good_yaml = client.get(reverse("web:guide_detail", args=[guide.pk])).context["yaml"]
    good = client.post(url, {"definition": good_yaml.replace("year: 2025", "year: 2026")}, headers={**EN, "HX-Request": "true"})
    assert "The draft was saved." in good.content.decode()
    guide.refresh_from_db()
    assert guide.draft["call"]["year"] == 2026


def test_save_as_draft_call_from_the_page(client: Client, officer: Any) -> None:
    guide = import_guide(data=seed_text("001").encode(), filename="001.txt", actor=officer)
    client.force_login(officer)
    response = client.post(reverse("web:guide_save_call", args=[guide.pk]), headers=EN, follow=True)
    guide.refresh_from_db()
    assert guide.call is not None and guide.call.status == "draft"
    assert f"The draft call “{guide.call.code}” was saved. It is not published." in response.content.decode()
    calls = client.get(reverse("web:staff_calls")).content.decode()
    assert guide.call.code in str(client.get(reverse("web:staff_calls")).context["calls"]) or guide.call.code in calls


@pytest.mark.parametrize("who", ["anonymous", "applicant", "other_officer", "officer", "administrator"])
def test_role_matrix(client: Client, officer: Any, program_call: Call, who: str) -> None:
    guide = import_guide(data=seed_text("000").encode(), filename="000.txt", actor=officer)
    before = (guide.draft, GuideImport.objects.count(), Call.objects.count())
    if who == "applicant":
        client.force_login(UserFactory())
    elif who == "other_officer":
        other = UserFactory()
        grant_program_role(program=program_call.program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
        client.force_login(other)
    elif who == "officer":
        client.force_login(officer)
    elif who == "administrator":
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
    detail = client.get(reverse("web:guide_detail", args=[guide.pk])).status_code
    listing = client.get(reverse("web:guide_list")).status_code
    save = client.post(reverse("web:guide_save_call", args=[guide.pk]))
    expected = {
        "anonymous": (302, 302),
        "applicant": (404, 403),
        "other_officer": (404, 200),
        "officer": (200, 200),
        "administrator": (200, 200),
    }[who]
    assert (detail, listing) == expected
    if who in ("officer", "administrator"):
        assert save.status_code == 302
        assert Call.objects.count() == before[2] + 1
    else:
        assert save.status_code in (302, 404) and Call.objects.count() == before[2]
        guide.refresh_from_db()
        assert (guide.draft, GuideImport.objects.count()) == before[:2]
        assert guide.call is None


def test_import_list_has_a_constant_query_count(client: Client, officer: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    import_guide(data=seed_text("000").encode(), filename="a.txt", actor=officer)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("web:guide_list")).status_code == 200
    for name in ("b.txt", "c.txt", "d.txt"):
        import_guide(data=seed_text("004").encode(), filename=name, actor=officer)
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("web:guide_list")).content.decode()
    assert page.count("/staff/guides/") >= 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_an_oversize_guide_is_refused_before_it_is_read(client: Client, officer: Any) -> None:
    client.force_login(officer)
    response = client.post(
        reverse("web:guide_upload"),
        data=b"x",
        content_type="application/octet-stream",
        headers=EN,
        CONTENT_LENGTH=str(30 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "at most 20 MB" in response.content.decode()
    assert not GuideImport.objects.exists()
