"""Storing an import, editing its draft, saving it as a draft call: audited, and refused when it would clobber a call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shenbao.calls.enums import CallStatus, ProgramRoleKind
from shenbao.calls.models import Call, ProgramRole
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.guides.enums import GuideImportStatus
from shenbao.guides.errors import CallCodeTaken, DraftInvalid, GuideUnreadable, ProgramNotYours
from shenbao.guides.models import GuideImport
from shenbao.guides.services import draft_yaml, import_guide, save_guide_as_draft_call, update_guide_draft
from tests.factories import UserFactory
from tests.guides.documents import make_pdf, seed_text, traditional

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(load_seed: Callable[[str], Call]) -> Any:
    user = UserFactory()
    grant_program_role(program=load_seed("004").program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def test_import_keeps_source_extraction_spans_and_reconciliation(officer: Any) -> None:
    guide = import_guide(data=seed_text("003").encode("gbk"), filename="003.txt", actor=officer)
    assert (guide.file_kind, guide.encoding, guide.status) == ("text", "gb18030", GuideImportStatus.EXTRACTED)
    assert guide.source_text == seed_text("003")
    assert len(guide.draft["directions"]) == 19
    assert [(r["measure"], r["matches"]) for r in guide.reconciliation] == [
        ("directions", True),
        ("projects", True),
        ("budget_yuan", True),
    ]
    quota = next(s for s in guide.spans if s["path"] == "directions.0.quota")
    assert guide.source_text[quota["source_start"] : quota["source_end"]] == "6个。"
    assert 0 < quota["confidence"] <= 1
    entry = AuditEntry.objects.get(action="shenbao.guide.imported")
    assert (entry.actor, entry.data) == (officer, {"file": "003.txt", "kind": "text", "directions": 19})


def test_spans_of_a_traditional_document_point_into_the_original_characters(officer: Any) -> None:
    text = traditional(seed_text("003"))
    guide = import_guide(data=text.encode("utf-8"), filename="003-hant.txt", actor=officer)
    assert guide.traditional is True
    title = next(s for s in guide.spans if s["path"] == "directions.0.title")
    assert guide.source_text[title["source_start"] : title["source_end"]] == "中國和新西蘭政府間科技合作項目"
    assert guide.draft["directions"][0]["title"] == {"zh-hans": "中国和新西兰政府间科技合作项目"}


def test_an_unreadable_upload_stores_nothing(officer: Any) -> None:
    with pytest.raises(GuideUnreadable) as info:
        import_guide(data=make_pdf(None), filename="scan.pdf", actor=officer)
    assert info.value.code == "pdf_no_text"
    assert not GuideImport.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="shenbao.guide.").exists()


def test_edit_checks_the_draft_and_keeps_the_old_one_when_invalid(officer: Any) -> None:
    guide = import_guide(data=seed_text("000").encode(), filename="000.txt", actor=officer)
    before = dict(guide.draft)
    with pytest.raises(DraftInvalid) as info:
        update_guide_draft(guide=guide, text=draft_yaml(guide).replace("kind: topic_challenge", "kind: lottery"), actor=officer)
    assert [e.path for e in info.value.errors] == ["program.kind"]
    guide.refresh_from_db()
    assert guide.draft == before
    edited = draft_yaml(guide).replace("code: import-2025-", "code: xiaomi-2025-")
    guide = update_guide_draft(guide=guide, text=edited, actor=officer)
    assert guide.draft["call"]["code"].startswith("xiaomi-2025-")
    assert AuditEntry.objects.filter(action="shenbao.guide.draft_edited").count() == 1
    update_guide_draft(guide=guide, text=edited, actor=officer)  # unchanged: no new entry
    assert AuditEntry.objects.filter(action="shenbao.guide.draft_edited").count() == 1


def test_save_as_draft_call_creates_an_unpublished_call_the_importer_manages(officer: Any) -> None:
    guide = import_guide(data=seed_text("003").encode(), filename="003.txt", actor=officer)
    call = save_guide_as_draft_call(guide=guide, actor=officer)
    assert call.status == CallStatus.DRAFT
    assert call.directions.count() == 19
    assert ProgramRole.objects.filter(program=call.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER).exists()
    guide.refresh_from_db()
    assert (guide.status, guide.call) == (GuideImportStatus.SAVED, call)
    assert AuditEntry.objects.filter(action="shenbao.guide.saved_as_call", actor=officer).count() == 1
    # Saving again updates the same draft call.
    again = save_guide_as_draft_call(guide=guide, actor=officer)
    assert again.pk == call.pk and Call.objects.filter(code=call.code).count() == 1


def test_save_refuses_to_overwrite_another_call(officer: Any, load_seed: Callable[[str], Call]) -> None:
    existing = load_seed("003")
    guide = import_guide(data=seed_text("003").encode(), filename="003.txt", actor=officer)
    text = draft_yaml(guide).replace(f"code: {guide.draft['call']['code']}", f"code: {existing.code}")
    guide = update_guide_draft(guide=guide, text=text, actor=officer)
    with pytest.raises(CallCodeTaken):
        save_guide_as_draft_call(guide=guide, actor=officer)
    existing.refresh_from_db()
    assert existing.status == CallStatus.PUBLISHED
    guide.refresh_from_db()
    assert guide.call is None and guide.status == GuideImportStatus.EXTRACTED


def test_save_refuses_to_put_the_call_into_someone_elses_program(officer: Any, load_seed: Callable[[str], Call]) -> None:
    most = load_seed("003").program
    guide = import_guide(data=seed_text("003").encode(), filename="003.txt", actor=officer)
    text = draft_yaml(guide).replace(f"code: {guide.draft['program']['code']}", f"code: {most.code}", 1)
    guide = update_guide_draft(guide=guide, text=text, actor=officer)
    with pytest.raises(ProgramNotYours):
        save_guide_as_draft_call(guide=guide, actor=officer)
    assert not ProgramRole.objects.filter(program=most, user=officer).exists()
    assert Call.objects.filter(program=most).count() == 1
    # The program's own officer may add the draft call to it.
    grant_program_role(program=most, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    call = save_guide_as_draft_call(guide=guide, actor=officer)
    assert call.program == most and call.status == CallStatus.DRAFT


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
def test_every_span_of_a_single_value_points_at_text_that_states_it(officer: Any, seed: str) -> None:
    guide = import_guide(data=seed_text(seed).encode(), filename=f"{seed}.txt", actor=officer)
    for span in guide.spans:
        source = guide.source_text[span["source_start"] : span["source_end"]]
        assert source.strip(), span
        if span["path"] == "call.batch":
            assert "批" in source
        if span["path"].endswith(".quota"):
            assert "个" in source or "项" in source
        if span["path"].endswith(".budget.total"):
            assert "万元" in source or "亿元" in source


def test_nul_bytes_and_controls_in_a_guide_are_dropped_so_the_import_is_stored_on_any_database(officer: Any) -> None:
    """PostgreSQL refuses NUL in text: a stray one past the first 4 KB used to answer 500."""
    text = seed_text("000")
    data = (text[:-50] + "\x00\x07" + text[-50:] + "\x0c附件").encode()
    assert data.index(b"\x00") > 4096  # past the sniffed head, as in the report
    guide = import_guide(data=data, filename="000-nul.txt", actor=officer)
    guide.refresh_from_db()
    assert "\x00" not in guide.source_text and "\x07" not in guide.source_text
    assert guide.source_text == text + "\n附件"


def test_an_unhashable_key_in_a_draft_is_refused_and_the_draft_kept(officer: Any) -> None:
    guide = import_guide(data=seed_text("000").encode(), filename="000.txt", actor=officer)
    before = dict(guide.draft)
    with pytest.raises(DraftInvalid) as info:
        update_guide_draft(guide=guide, text="? [a, b]\n: c\n", actor=officer)
    assert [e.type for e in info.value.errors] == ["syntax"]
    guide.refresh_from_db()
    assert guide.draft == before
