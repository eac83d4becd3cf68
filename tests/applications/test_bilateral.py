"""Bilateral calls (seed 003): the partner agency's list against our applications."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from shenbao.applications.bilateral import OurSide, TheirSide, match_submissions, normalise
from shenbao.applications.facts import check_application
from shenbao.applications.models import Application
from shenbao.applications.services.bilateral import compare_with_partner_list, parse_partner_rows
from shenbao.eligibility.engine import Outcome
from tests.applications.fixtures import submitted_seed_003_application

OUR = OurSide(1, "Smart Water Management", ("水",), ("University of Auckland",), ("王伟", "Wang Wei"), 24)


def theirs(**changes: Any) -> TheirSide:
    base = {
        "row": 2,
        "reference": "NZ-1",
        "english_title": "Smart water management",
        "field": "水",
        "partner_organisation": "University of Auckland",
        "pi": "Wang Wei",
        "duration_months": 24,
    }
    return TheirSide(**{**base, **changes})


def test_normalise_ignores_case_width_and_punctuation() -> None:
    assert normalise("Smart-Water  Management！") == normalise("smart water management")


def test_matching_rows_have_no_mismatch() -> None:
    (match,), unclaimed = match_submissions([OUR], [theirs()])
    assert (match.counterpart is not None, match.mismatches, unclaimed) == (True, (), [])


def test_every_difference_is_named() -> None:
    (match,), _ = match_submissions(
        [OUR],
        [
            theirs(
                english_title="Smart water managment",
                field="Energy",
                partner_organisation="Massey University",
                pi="Li Na",
                duration_months=36,
            )
        ],
    )
    assert match.mismatches == ("english_title", "field", "partner_organisations", "pi", "duration")
    assert match.details["duration"] == ("24", "36")


def test_missing_counterpart_and_unclaimed_rows() -> None:
    matches, unclaimed = match_submissions([OUR], [theirs(english_title="Ocean acidification sensors", row=5)])
    assert matches[0].counterpart is None
    assert [t.row for t in unclaimed] == [5]


@pytest.fixture
def nz_application(db: Any) -> Application:
    return submitted_seed_003_application(title="智慧水务")


def test_rule_waits_for_the_partner_list_then_reflects_it(nz_application: Application) -> None:
    results = {r.code: r for r in check_application(nz_application)}
    assert results["bilat-1.1"].outcome == Outcome.NEEDS_REVIEW
    rows, problems = parse_partner_rows(
        [
            {
                "reference": "MBIE-7",
                "english_title": "Smart water management",
                "field": "健康和生物医学",
                "partner_organisation": "University of Auckland",
                "pi": "Wang Wei",
                "duration_months": "36",
            }
        ]
    )
    assert problems == []
    report = compare_with_partner_list(call=nz_application.call, rows=rows, source="mbie.csv")
    assert (report.compared, report.matched) == (1, 1)
    assert report.with_mismatches[0]["fields"] == ["duration"]
    nz_application.refresh_from_db()
    assert nz_application.bilateral is not None and nz_application.bilateral["counterpart"] == "MBIE-7"
    results = {r.code: r for r in check_application(nz_application)}
    assert results["bilat-1.1"].outcome == Outcome.FAIL
    assert results["bilat-1.1"].reasons[0].params["fields"] == ["duration"]


def test_import_partner_list_command(nz_application: Application, tmp_path: Path) -> None:
    path = tmp_path / "mbie.csv"
    path.write_text(
        "reference,english_title,field,partner_organisation,pi,duration_months\n"
        "MBIE-7,Smart Water Management,健康和生物医学,University of Auckland,Wang Wei,24\n"
        "MBIE-8,Kiwi genomics,健康和生物医学,Massey University,Zhang San,24\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_partner_list", nz_application.call.code, str(path), stdout=out)
    text = out.getvalue()
    assert "compared 1, matched 1" in text
    assert "partner row 3 (MBIE-8): no matching application" in text
    results = {r.code: r for r in check_application(Application.objects.get(pk=nz_application.pk))}
    assert results["bilat-1.1"].outcome == Outcome.PASS


def test_exact_titles_are_paired_before_near_ones() -> None:
    first = OurSide(1, "Smart water managment", (), (), (), 24)  # a typo, close to both rows
    second = OurSide(2, "Smart water management", (), (), (), 24)
    matches, unclaimed = match_submissions(
        [first, second], [theirs(row=2, reference="A"), theirs(row=3, reference="B", english_title="Smart water managements")]
    )
    by_app = {m.application: m.counterpart.reference if m.counterpart else None for m in matches}
    assert by_app == {1: "B", 2: "A"}
    assert unclaimed == []


def test_values_the_partner_leaves_empty_are_not_mismatches() -> None:
    (match,), _ = match_submissions([OUR], [theirs(partner_organisation="", duration_months=None, pi="", field="")])
    assert match.mismatches == ()


def test_title_and_lead_organisation_are_compared_when_given() -> None:
    our = OurSide(
        1,
        "Smart Water Management",
        ("水",),
        ("University of Auckland",),
        ("Wang Wei",),
        24,
        title="智慧水务",
        lead_organisation=("测试大学", "Test University"),
    )
    (match,), _ = match_submissions([our], [theirs(title="智慧水资源", lead_organisation="Test University")])
    assert match.mismatches == ("title",)


def test_a_matched_row_without_reference_still_counts_as_found(nz_application: Application) -> None:
    rows, _ = parse_partner_rows(
        [
            {
                "english_title": "Smart Water Management",
                "pi": "Wang Wei",
                "partner_organisation": "University of Auckland",
                "duration_months": "24",
            }
        ]
    )
    compare_with_partner_list(call=nz_application.call, rows=rows)
    results = {r.code: r for r in check_application(Application.objects.get(pk=nz_application.pk))}
    assert results["bilat-1.1"].outcome == Outcome.PASS
