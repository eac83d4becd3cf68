"""Hostile office files (issue 15, item 1): the work of reading an upload is bounded, not only its
zip ratio.  A .docx of tiny paragraphs, a guide .docx and an oversize table are refused quickly with
a clear error, and whatever slips past the counts runs in a child under CPU and memory limits."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from shenbao.accounts.models import User
from shenbao.applications.services.drafts import start_application
from shenbao.calls.definition.tables import TableUnreadable, read_rows
from shenbao.calls.messages import unreadable
from shenbao.core.bounded import MAX_PARAGRAPHS, MAX_ROWS, Refused, check_docx, check_xlsx, run_bounded
from shenbao.documents.errors import DocumentRefused
from shenbao.documents.services.word import blank_form, read_filled_form
from shenbao.guides.errors import GuideUnreadable
from shenbao.guides.models import GuideImport
from shenbao.guides.services import import_guide
from tests.applications.fixtures import open_call

BODY_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)


def _with_body(docx: bytes, paragraphs: int) -> bytes:
    """The same package with its document.xml replaced by ``paragraphs`` tiny paragraphs."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == "word/document.xml":
                body = BODY_START + "<w:p><w:r><w:t>字</w:t></w:r></w:p>" * paragraphs + "</w:body></w:document>"
                archive.writestr("word/document.xml", body)
            else:
                archive.writestr(info, source.read(info))
    return out.getvalue()


@pytest.fixture
def blank_docx() -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def test_a_docx_of_tiny_paragraphs_is_refused_by_count_before_python_docx_opens_it(blank_docx: bytes) -> None:
    data = _with_body(blank_docx, 200_000)  # ~7 MB of XML in a few hundred KB: under the zip-bomb ratio
    started = time.process_time()
    with pytest.raises(Refused) as caught:
        check_docx(data)
    assert (caught.value.code, caught.value.context) == ("too_many", {"what": "p", "limit": MAX_PARAGRAPHS})
    assert time.process_time() - started < 5  # generous: the stream stops at the first paragraph over


def test_a_docx_at_the_paragraph_limit_passes_the_check(blank_docx: bytes) -> None:
    check_docx(_with_body(blank_docx, MAX_PARAGRAPHS))


def test_a_docx_whose_body_unpacks_too_big_is_refused_by_size(blank_docx: bytes) -> None:
    data = _with_body(blank_docx, 2_000)
    with pytest.raises(Refused) as caught:
        check_docx(data, max_part_bytes=10_000)
    assert caught.value.code == "too_large"
    assert caught.value.context["part"] == "word/document.xml"


def test_a_damaged_docx_is_corrupt_not_a_crash() -> None:
    with pytest.raises(Refused) as caught:
        check_docx(b"PK\x03\x04 not really a zip")
    assert caught.value.code == "corrupt"


@pytest.mark.django_db
def test_uploading_such_a_form_is_refused_with_a_clear_message_in_both_languages(blank_docx: bytes) -> None:
    call = open_call("000")
    applicant = User.objects.create_user(email="hostile@example.com", password="pass-Word-123")
    application = start_application(call=call, direction=call.directions.first(), applicant=applicant)
    form = blank_form(call=call, direction=application.direction, language="zh-hans")
    data = _with_body(form, 100_000)
    with pytest.raises(DocumentRefused) as caught:
        read_filled_form(application=application, stream=io.BytesIO(data), size=len(data), language="zh-hans")
    assert caught.value.code == "too_complex"
    with translation.override("en"):
        assert str(caught.value) == "This Word document has far more paragraphs or tables than a form, so it was not read."
    with translation.override("zh-hans"):
        assert str(caught.value) == "该 Word 文档的段落或表格远多于一份申报表，未予读取。"


@pytest.mark.django_db
def test_a_guide_docx_of_tiny_paragraphs_is_refused_and_nothing_is_stored(blank_docx: bytes) -> None:
    officer = User.objects.create_user(email="officer-hostile@example.com", password="pass-Word-123")
    data = _with_body(blank_docx, 100_000)
    with pytest.raises(GuideUnreadable) as caught:
        import_guide(data=data, filename="guide.docx", actor=officer)
    assert caught.value.code == "too_complex"
    assert GuideImport.objects.count() == 0


def test_a_table_longer_than_an_import_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "topics.csv"
    path.write_text("code,title_zh\n" + "".join(f"T{i},课题{i}\n" for i in range(MAX_ROWS + 1)), encoding="utf-8")
    with pytest.raises(TableUnreadable) as caught:
        read_rows(path)
    assert caught.value.type == "too_big"
    assert unreadable(caught.value) == (
        f"表格的行数或数据量远超导入上限（最多 {MAX_ROWS} 行）。 / "
        f"The table has far more rows or data than an import takes (at most {MAX_ROWS} rows)."
    )


def test_a_workbook_with_too_many_rows_is_refused_by_count() -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for i in range(30):
        sheet.append([f"T{i}", f"课题{i}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    check_xlsx(buffer.getvalue())
    with pytest.raises(Refused) as caught:
        check_xlsx(buffer.getvalue(), max_rows=29)
    assert (caught.value.code, caught.value.context) == ("too_many", {"what": "row", "limit": 29})


def _spin() -> None:
    while True:
        pass


def _hog() -> bytes:
    return b"x" * (400 * 1024 * 1024)


def _fail() -> None:
    raise ValueError("the reader's own error")


def _answer(a: int, b: int) -> dict[str, Any]:
    return {"sum": a + b, "text": "中文"}


def test_run_bounded_returns_the_result_and_raises_the_readers_own_errors() -> None:
    assert run_bounded(_answer, 2, 3) == {"sum": 5, "text": "中文"}
    with pytest.raises(ValueError, match="the reader's own error"):
        run_bounded(_fail)


def test_run_bounded_stops_a_reader_that_spins_past_its_cpu_limit() -> None:
    started = time.monotonic()
    with pytest.raises(Refused) as caught:
        run_bounded(_spin, cpu_seconds=1, wall_seconds=20)
    assert caught.value.code == "too_slow"
    assert time.monotonic() - started < 15


def test_run_bounded_stops_a_reader_that_wants_too_much_memory() -> None:
    with pytest.raises(Refused) as caught:
        run_bounded(_hog, memory_bytes=100 * 1024 * 1024)
    assert caught.value.code == "too_slow"
