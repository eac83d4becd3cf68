"""Importing each seed document gives what its hand-written definition says (src/shenbao/calls/definitions).

The same results from the text, from a .docx and a .pdf built from it, and from a
traditional-character version (opencc s2t).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shenbao.calls.definition.load import parse_file
from shenbao.calls.definition.schema import CallDefinition, Direction, TimelineKind
from shenbao.calls.definitions import SEED_FILES
from shenbao.guides.parser.extract import Extraction, extract_guide
from shenbao.guides.parser.reading import read_document
from tests.guides.documents import make_docx, make_pdf, seed_text, traditional

FORMATS: dict[str, Callable[[str], bytes]] = {
    "txt": lambda text: text.encode("utf-8"),
    "docx": lambda text: make_docx(text.split("\n")),
    "pdf": lambda text: make_pdf(text.split("\n")),
    "traditional": lambda text: traditional(text).encode("utf-8"),
}

_cache: dict[tuple[str, str], Extraction] = {}


def imported(seed: str, fmt: str) -> Extraction:
    if (seed, fmt) not in _cache:
        document = read_document(FORMATS[fmt](seed_text(seed)))
        _cache[(seed, fmt)] = extract_guide(document.text)
    return _cache[(seed, fmt)]


def expected(seed: str) -> CallDefinition:
    return parse_file(SEED_FILES[seed])


def _quota(d: Direction) -> Any:
    return None if d.quota is None else (d.quota.qualifier, d.quota.value, d.quota.min, d.quota.max, d.quota.in_principle)


def _budget(d: Direction) -> Any:
    if d.budget is None:
        return None
    total, per = d.budget.total, d.budget.per_project
    return (
        None if total is None else (total.yuan, total.qualifier, total.currency),
        None if per is None else (per.yuan, per.qualifier),
    )


def _duration(d: Direction) -> Any:
    return None if d.duration is None else d.duration.model_dump()


def _deadline(definition: CallDefinition) -> Any:
    item = next(t for t in definition.timeline if t.kind == TimelineKind.DEADLINE)
    return (item.at, item.precision, item.tentative)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_seed_003_all_19_directions_with_exact_numbers(fmt: str) -> None:
    got, want = imported("003", fmt).definition, expected("003")
    assert got is not None
    assert [d.code for d in got.directions] == [d.code for d in want.directions]
    assert len(got.directions) == 19
    for g, w in zip(got.directions, want.directions, strict=True):
        assert g.title.zh_hans == w.title.zh_hans, w.code
        assert _quota(g) == _quota(w), w.code
        if w.quota is not None and w.quota.note is not None:
            assert g.quota is not None and g.quota.note is not None
            assert g.quota.note.zh_hans == w.quota.note.zh_hans
        assert _budget(g) == _budget(w), w.code
        assert _duration(g) == _duration(w), w.code
        assert (g.partner.countries if g.partner else []) == (w.partner.countries if w.partner else []), w.code
        assert [f.zh_hans for f in g.fields] == [f.zh_hans for f in w.fields], w.code
        assert g.fields_open == w.fields_open, w.code
        assert g.basis_kind == w.basis_kind, w.code


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_seed_003_stated_totals_and_reconciliation_match(fmt: str) -> None:
    result = imported("003", fmt)
    got, want = result.definition, expected("003")
    assert got is not None and got.stated_totals is not None and want.stated_totals is not None
    assert got.stated_totals.directions == want.stated_totals.directions == 19
    assert got.stated_totals.partners == want.stated_totals.partners == 15
    assert got.stated_totals.projects == want.stated_totals.projects
    assert got.stated_totals.budget is not None and got.stated_totals.budget.yuan == 348_900_000
    assert got.duration == want.duration
    assert [(line.measure, line.stated, line.summed, line.missing, line.matches) for line in result.reconciliation] == [
        ("directions", 19, 19, (), True),
        ("projects", 176, 176, (), True),
        ("budget_yuan", 348_900_000, 348_900_000, (), True),
    ]
    # The seed is a draft for comments and states no deadline: the draft says so.
    assert _deadline(got)[2] is True
    assert [w.code for w in result.warnings] == ["deadline_missing"]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_seed_003_requirements_become_rules_and_kpis(fmt: str) -> None:
    got = imported("003", fmt).definition
    assert got is not None
    kinds = {(c.rule.kind, tuple(c.directions)) for c in got.eligibility}
    assert ("organisation_type", ("1.9",)) in kinds
    assert ("organisation_type", ("2.1",)) in kinds
    assert ("name_pattern", ("1.4",)) in kinds
    assert ("partner_country", ("2.7",)) in kinds
    assert ("bilateral_submission", ("1.1",)) in kinds
    assert ("matching_funds", ("1.3",)) in kinds
    assert ("partner_registration", ("1.4",)) in kinds
    sco = next(c.rule for c in got.eligibility if c.rule.kind == "partner_country" and c.directions == ["2.7"])
    assert sco.countries == ["BY", "RU", "KZ", "UZ", "PK"] and sco.min_distinct == 2  # type: ignore[union-attr]
    name = next(c.rule for c in got.eligibility if c.rule.kind == "name_pattern" and c.directions == ["1.4"])
    assert name.pattern == "中埃.+联合实验室"  # type: ignore[union-attr]
    no_subtopics = next(c for c in got.eligibility if c.rule.kind == "subtopics" and c.rule.max == 0)  # type: ignore[union-attr]
    assert no_subtopics.directions == [d.code for d in got.directions if d.code != "2.9"]
    assert next(c.rule for c in got.eligibility if c.rule.kind == "subtopics" and c.directions == ["2.9"]).max == 3  # type: ignore[union-attr]
    nz = next(c.rule for c in got.eligibility if c.rule.kind == "partner_country" and c.directions == ["1.1"])
    assert nz.countries == ["NZ"]  # type: ignore[union-attr]
    visits = [k for k in got.kpi_templates if "交流访问" in k.name.get("zh-hans")]
    assert sorted(k.target for k in visits) == [2, 3]
    assert {d.type.value for d in got.required_documents} >= {"government_endorsement", "joint_lab_plan", "ip_agreement"}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_seed_001_six_tracks_with_hosts_and_deadline(fmt: str) -> None:
    got, want = imported("001", fmt).definition, expected("001")
    assert got is not None
    assert [d.code for d in got.directions] == [f"SME20230{i}" for i in range(1, 7)]
    assert [d.title.zh_hans for d in got.directions] == [d.title.zh_hans for d in want.directions]
    assert [d.host_organisation.zh_hans if d.host_organisation else None for d in got.directions] == [
        d.host_organisation.zh_hans if d.host_organisation else None for d in want.directions
    ]
    assert [[x.label.zh_hans for x in d.details] for d in got.directions] == [["聚焦场景", "考察能力", "比赛目标"]] * 6
    assert _deadline(got) == _deadline(want)
    assert got.stated_totals is not None and want.stated_totals is not None
    assert got.stated_totals.directions == want.stated_totals.directions == 6
    assert got.call.reference == want.call.reference
    assert got.program.funder.zh_hans == want.program.funder.zh_hans
    assert got.call.title.zh_hans == want.call.title.zh_hans
    assert [c.email for c in got.call.contacts] == ["rlzy@chinasme.org.cn"]
    finals = next(t for t in got.timeline if t.kind == TimelineKind.FINALS)
    want_finals = next(t for t in want.timeline if t.kind == TimelineKind.FINALS)
    assert (finals.start, finals.end, finals.precision) == (want_finals.start, want_finals.end, want_finals.precision)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_seed_004_three_categories_eight_lists_and_deadline(fmt: str) -> None:
    got, want = imported("004", fmt).definition, expected("004")
    assert got is not None
    assert [c.name.zh_hans for c in got.categories] == [c.name.zh_hans for c in want.categories]
    assert [d.title.zh_hans for d in got.directions] == [d.title.zh_hans for d in want.directions]
    names = {c.code: c.name.zh_hans for c in got.categories}
    want_names = {c.code: c.name.zh_hans for c in want.categories}
    assert [names[d.category or ""] for d in got.directions] == [want_names[d.category or ""] for d in want.directions]
    assert _deadline(got) == _deadline(want)
    assert str(_deadline(got)[0]) == "2025-11-21 00:00:00"
    assert got.stated_totals is not None and got.stated_totals.directions == 8
    review = next(t for t in got.timeline if t.kind == TimelineKind.REVIEW)
    want_review = next(t for t in want.timeline if t.kind == TimelineKind.REVIEW)
    assert (review.start, review.end) == (want_review.start, want_review.end)
    assert [c.rule.kind for c in got.eligibility] == ["required_document", "nomination", "negative_event", "entry_language"]
    rules = {c.rule.kind: c.rule.model_dump() for c in got.eligibility}
    wanted = {c.rule.kind: c.rule.model_dump() for c in want.eligibility}
    for kind in ("nomination", "negative_event", "entry_language"):
        assert rules[kind] == wanted[kind], kind
    assert [(d.name.zh_hans, d.type.value) for d in got.required_documents] == [
        ("《2025 科创先锋案例征集申报表》", "application_form")
    ]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_seed_000_deadline_amount_term_limit_and_review_criteria(fmt: str) -> None:
    got, want = imported("000", fmt).definition, expected("000")
    assert got is not None and got.budget is not None and want.budget is not None
    assert _deadline(got) == _deadline(want)
    assert str(_deadline(got)[0]) == "2025-04-01 00:00:00"
    assert got.budget.per_project is not None and want.budget.per_project is not None
    assert got.budget.per_project.yuan == want.budget.per_project.yuan == 200_000
    assert got.budget.total is None
    assert got.duration is not None and got.duration.model_dump() == want.duration.model_dump()  # type: ignore[union-attr]
    limit = next(c.rule for c in got.eligibility if c.rule.kind == "applications_per_applicant")
    assert (limit.max, limit.recommended) == (2, 1)  # type: ignore[union-attr]
    born = next(c.rule for c in got.eligibility if c.rule.kind == "birth_date")
    assert str(born.on_or_after) == "1985-01-01"  # type: ignore[union-attr]
    assert any(c.rule.kind == "no_overseas_employment" for c in got.eligibility)
    criteria = got.review_stages[0].criteria
    assert len(criteria) == len(want.review_stages[0].criteria) == 3
    assert criteria[0].name.zh_hans == "申请方案的创新性和可行性"
    assert got.stated_totals is not None and want.stated_totals is not None
    assert got.stated_totals.directions == want.stated_totals.directions == 50
    assert got.stated_totals.projects is not None and got.stated_totals.projects.qualifier == "unspecified"
    assert got.program.funder.zh_hans == "小米集团"
    assert got.call.title.zh_hans == want.call.title.zh_hans
    assert got.call.contacts == []  # the only e-mail address is a person's (masked): never stored


def test_seed_003_one_project_per_partner_country_in_1_5_and_1_6() -> None:
    got, want = imported("003", "txt").definition, expected("003")
    assert got is not None
    rules = [(c.directions, c.rule.max, c.level.value) for c in got.eligibility if c.rule.kind == "per_partner_country"]  # type: ignore[union-attr]
    assert rules == [(["1.5"], 1, "review"), (["1.6"], 1, "review")]
    assert [c.model_dump() for c in got.selection.caps] == [c.model_dump() for c in want.selection.caps]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_seed_003_requirement_items_are_the_documents_sentences(fmt: str) -> None:
    got, want = imported("003", fmt).definition, expected("003")
    assert got is not None
    for g, w in zip(got.directions, want.directions, strict=True):
        # The hand-written file also lists the quota's note as a requirement, and splits 2.5's
        # inline text into its two sentences; the document writes it as one.
        wanted = [r.text.zh_hans for r in w.requirements if not (r.text.zh_hans or "").startswith("拟支持项目数")]
        if w.code == "2.5":
            wanted = ["".join(wanted)]
        assert [r.text.zh_hans for r in g.requirements] == wanted, w.code


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_seed_004_sectors_and_list_descriptions(fmt: str) -> None:
    got, want = imported("004", fmt).definition, expected("004")
    assert got is not None
    assert len(got.fields) == len(want.fields) == 9
    same = [g.zh_hans == w.zh_hans for g, w in zip(got.fields, want.fields, strict=True)]
    # The hand-written file shortens the eighth sector ("这些领域包括但不限于" → "包括但不限于").
    assert same == [True] * 7 + [False, True]
    for g, w in zip(got.directions[:5], want.directions[:5], strict=True):
        assert g.description is not None and w.description is not None
        assert g.description.zh_hans == w.description.zh_hans
    last = got.directions[-1].description
    assert last is not None and last.zh_hans is not None and not last.zh_hans.endswith("产品。")
    assert "以上" not in last.zh_hans
