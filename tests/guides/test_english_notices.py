"""English call notices: numbers of awards, amounts in dollars / euros / pounds, durations, topics."""

from __future__ import annotations

from typing import Any

import pytest

from shenbao.guides.parser.english import mostly_latin, read_english
from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.model import Collector, Line


def _read(text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines, pos = [], 0
    for part in text.split("\n"):
        lines.append(Line(part, pos))
        pos += len(part) + 1
    definition: dict[str, Any] = {}
    directions: list[dict[str, Any]] = []
    read_english(text, lines, definition, directions, Collector())
    return definition, directions


def test_mostly_latin() -> None:
    assert mostly_latin("The Agency invites proposals for research on coastal wetlands and estuaries.")
    assert not mostly_latin("关于组织申报2024年度重点研发计划的通知 (Key R&D Program), deadline见附件")
    assert not mostly_latin("OK")


def test_labelled_numbers_of_awards_and_amounts() -> None:
    text = (
        "Award Information\n"
        "Expected Number of Awards: 2 to 4 averaging $350,000 per year for up to three years\n"
        "Anticipated Funding Amount: $1,500,000 is the approximate total for all awards in the first year\n"
    )
    definition, _ = _read(text)
    assert definition["stated_totals"] == {
        "projects": {"qualifier": "range", "min": 2, "max": 4},
        "budget": {"amount": 1_500_000, "currency": "USD", "qualifier": "about"},
    }
    assert definition["budget"] == {
        "total": {"amount": 1_500_000, "currency": "USD", "qualifier": "about"},
        "per_project": {"amount": 350_000, "currency": "USD", "qualifier": "about"},
    }
    assert definition["duration"] == {"unit": "years", "qualifier": "at_most", "value": 3}


def test_label_on_the_line_above_its_value() -> None:
    text = "Total Budget\n- €8,000,000\nSmallest Grant\n- €2,000,000\nLargest Grant\n- €2,000,000\nNumber of Grants\n- 4\n"
    definition, _ = _read(text)
    assert definition["stated_totals"]["projects"] == {"qualifier": "exact", "value": 4}
    assert definition["stated_totals"]["budget"] == {"amount": 8_000_000, "currency": "EUR"}
    # Neither "min" nor "max" is written, so "Smallest Grant" reads as an amount per grant only
    # through "Grant" … and that is not a per-project cue: no per-project amount is invented.
    assert "per_project" not in definition["budget"]


def test_minimum_and_maximum_grant_of_one_amount_is_that_amount() -> None:
    text = "Min Grant Amount\n- €3,000,000\nMax Grant Amount\n- €3,000,000\n"
    definition, _ = _read(text)
    assert definition["budget"] == {"per_project": {"amount": 3_000_000, "currency": "EUR"}}


@pytest.mark.parametrize(
    ("sentence", "money", "duration"),
    [
        (
            "The council will fund your project up to £2.5 million for up to 4 years.",
            {"amount": 2_500_000, "currency": "GBP", "qualifier": "at_most"},
            {"unit": "years", "qualifier": "at_most", "value": 4},
        ),
        (
            "Each award is worth €750k and projects run for a period of 36 months.",
            {"amount": 750_000, "currency": "EUR"},
            {"unit": "months", "qualifier": "exact", "value": 36},
        ),
        (
            "Grants of up to EUR 1.2 million per project; the project duration is 3 to 5 years.",
            {"amount": 1_200_000, "currency": "EUR", "qualifier": "at_most"},
            {"unit": "years", "qualifier": "range", "min": 3, "max": 5},
        ),
    ],
)
def test_per_project_amounts_and_durations_in_sentences(sentence: str, money: dict[str, Any], duration: dict[str, Any]) -> None:
    definition, _ = _read(sentence)
    assert definition["budget"] == {"per_project": money}
    assert definition["duration"] == duration


def test_we_expect_to_make_n_awards_is_an_estimate() -> None:
    definition, _ = _read("We expect to make twelve awards in this round.")
    assert definition["stated_totals"] == {"projects": {"qualifier": "about", "value": 12}}


def test_numbers_that_are_not_awards_budgets_or_durations() -> None:
    text = (
        "Applicants must have 7 years of experience after their doctorate. The report is due for 2 years.\n"
        "Number of awards: 20% of proposals are funded.\n"
        "The fee is $50 for late submissions.\n"
    )
    assert _read(text) == ({}, [])


def test_topics_under_a_heading_become_directions() -> None:
    text = (
        "Research topics\n"
        "1. Soil carbon monitoring: sensors and models for farmland\n"
        "2. Urban heat resilience\n"
        "3. Coastal flood forecasting – early warning for small towns\n"
        "Eligibility\n"
        "- Universities\n"
    )
    _, directions = _read(text)
    assert directions == [
        {"code": "1", "title": {"en": "Soil carbon monitoring"}},
        {"code": "2", "title": {"en": "Urban heat resilience"}},
        {"code": "3", "title": {"en": "Coastal flood forecasting"}},
    ]


def test_a_single_bullet_under_a_heading_is_no_list() -> None:
    _, directions = _read("Themes\n- Water\nThe call is open to all researchers.\n")
    assert directions == []


def test_extract_guide_reads_an_english_notice() -> None:
    text = (
        "Programme Call: Resilient Coasts\n"
        "Estimated Number of Awards: 5\n"
        "Total funding available: $4 million\n"
        "Awards of up to $800,000 each, for up to 3 years.\n"
        "Tracks\n"
        "- Track A: Observation networks\n"
        "- Track B: Community adaptation\n"
    )
    extraction = extract_guide(text)
    definition = extraction.definition
    assert definition is not None
    assert definition.stated_totals is not None
    assert definition.stated_totals.projects is not None and definition.stated_totals.projects.value == 5
    assert definition.stated_totals.budget is not None
    assert (definition.stated_totals.budget.amount, definition.stated_totals.budget.currency) == (4_000_000, "USD")
    assert definition.budget is not None and definition.budget.per_project is not None
    assert (definition.budget.per_project.amount, definition.budget.per_project.qualifier) == (800_000, "at_most")
    assert definition.duration is not None and (definition.duration.qualifier, definition.duration.value) == ("at_most", 3)
    assert [(d.code, d.title.get("en")) for d in definition.directions] == [
        ("A", "Observation networks"),
        ("B", "Community adaptation"),
    ]


def test_hard_wrapped_english_lines_join_with_a_space_and_sentences_keep_their_line() -> None:
    from shenbao.guides.parser.normalise import normalise

    wrapped = "Proposals from universities and research institutes are welcome in this"
    original = "\n".join([part for n in range(5) for part in (wrapped, f"call round {n + 1}.")] + ["Topics"])
    lines = normalise(original).text.split("\n")
    assert lines[0] == wrapped + " call round 1."
    assert lines[-1] == "Topics"


@pytest.mark.parametrize(
    ("sentence", "projects"),
    [
        ("The fund will support 8 projects in 2025.", {"qualifier": "exact", "value": 8}),
        ("We have money available to fund approximately 15 projects.", {"qualifier": "about", "value": 15}),
        ("Between 4 and 6 grants will be awarded.", {"qualifier": "range", "min": 4, "max": 6}),
        ("Up to ten fellowships are expected to be funded.", {"qualifier": "at_most", "value": 10}),
    ],
)
def test_numbers_of_projects_in_sentences(sentence: str, projects: dict[str, Any]) -> None:
    definition, _ = _read(sentence)
    assert definition["stated_totals"] == {"projects": projects}


@pytest.mark.parametrize(
    ("sentence", "duration"),
    [
        ("The programme offers five-year grants to mid-career researchers.", {"unit": "years", "qualifier": "exact", "value": 5}),
        ("Successful projects of up to 48 months will be funded.", {"unit": "months", "qualifier": "at_most", "value": 48}),
    ],
)
def test_durations_as_adjectives_and_after_projects_of(sentence: str, duration: dict[str, Any]) -> None:
    definition, _ = _read(sentence)
    assert definition["duration"] == duration


def test_a_grant_of_up_to_an_amount_is_per_project() -> None:
    definition, _ = _read("Each winner receives a grant of up to €150,000.")
    assert definition["budget"] == {"per_project": {"amount": 150_000, "currency": "EUR", "qualifier": "at_most"}}


def test_panel_codes_under_a_heading_are_the_ids() -> None:
    text = "Scientific domains\nAB – Applied Biology\nEC – Earth and Climate\nMX2 Mixed Methods\n"
    _, directions = _read(text)
    assert directions == [
        {"code": "AB", "title": {"en": "Applied Biology"}},
        {"code": "EC", "title": {"en": "Earth and Climate"}},
        {"code": "MX2", "title": {"en": "Mixed Methods"}},
    ]


def test_a_run_of_eu_style_topic_identifiers_is_a_list_of_topics() -> None:
    text = (
        "Call: Clean oceans\n"
        "OCEAN-2030-SEA-01-01: Plastic-free estuaries\n"
        "OCEAN-2030-SEA-01-02 Restoring kelp forests\n"
        "Opening: 1 March\n"
    )
    _, directions = _read(text)
    assert directions == [
        {"code": "OCEAN-2030-SEA-01-01", "title": {"en": "Plastic-free estuaries"}},
        {"code": "OCEAN-2030-SEA-01-02", "title": {"en": "Restoring kelp forests"}},
    ]


def test_a_single_topic_identifier_is_no_list() -> None:
    assert _read("Identifier\n- OCEAN-2030-SEA-01-01\nOCEAN-2030-SEA-01-01: Plastic-free estuaries\n") == ({}, [])


def test_a_list_in_running_text_is_checked_against_its_count() -> None:
    text = "The scheme covers three domains: Marine Science, Urban Studies and Digital Health. Apply online."
    definition, directions = _read(text)
    assert [d["title"]["en"] for d in directions] == ["Marine Science", "Urban Studies", "Digital Health"]
    assert definition["stated_totals"] == {"directions": 3}
    # The count does not agree with the items: no list.
    assert _read("The scheme covers four domains: Marine Science, Urban Studies and Digital Health.") == ({}, [])


def test_the_following_topics_separated_by_semicolons() -> None:
    text = "Proposals may address the following topics: soil health; water reuse, at farm scale; pollinators\n"
    _, directions = _read(text)
    assert [d["title"]["en"] for d in directions] == ["soil health", "water reuse, at farm scale", "pollinators"]


def test_size_classes_named_after_their_windows_are_tracks() -> None:
    text = (
        "Submission Window Date(s): March 2, 2026 - March 16, 2026 BIG Projects May 4, 2026 - May 18, 2026 "
        "TINY Projects March 1 - March 15, Annually Thereafter BIG Projects July 1 - July 9, Annually Thereafter "
        "HUGE Projects Revision notes follow."
    )
    _, directions = _read(text)
    assert [d["title"]["en"] for d in directions] == ["BIG Projects", "TINY Projects", "HUGE Projects"]
    assert _read("Deadline: May 4, 2026 ALL Proposals must use the portal.") == ({}, [])


def test_english_totals_clear_the_no_totals_warning() -> None:
    lines = [Line("Expected Number of Awards: 3", 0)]
    col = Collector()
    col.warn("totals_missing")
    col.warn("year_missing")
    definition: dict[str, Any] = {}
    read_english(lines[0].text, lines, definition, [], col)
    assert definition == {"stated_totals": {"projects": {"qualifier": "exact", "value": 3}}}
    assert [w.code for w in col.warnings] == ["year_missing"]


def test_a_programme_budget_over_several_years_is_not_the_call_budget() -> None:
    text = "The agency's total budget for 2028-2034 is €9 billion.\nTotal budget of this call: €40 million\n"
    definition, _ = _read(text)
    assert definition["stated_totals"] == {"budget": {"amount": 40_000_000, "currency": "EUR"}}


def test_small_sums_are_no_budget() -> None:
    text = "A total of $500 is charged per submission. Awards of EUR 4.50 and more are paid in arrears."
    assert _read(text) == ({}, [])


def test_anticipates_making_n_awards() -> None:
    definition, _ = _read("The Foundation anticipates making approximately 9 awards.")
    assert definition["stated_totals"] == {"projects": {"qualifier": "about", "value": 9}}


@pytest.mark.parametrize(
    "sentence",
    [
        "Starter Grants provide up to $300,000 to early-career teams.",
        "Fellowships are worth $60,000 a year.",
    ],
)
def test_amounts_in_sentences_about_grants_are_per_project(sentence: str) -> None:
    definition, _ = _read(sentence)
    assert set(definition["budget"]) == {"per_project"}
    assert "stated_totals" not in definition


def test_an_upper_bound_on_total_funding_stays_the_total() -> None:
    definition, _ = _read("Total funding for all grants is up to £6 million.")
    assert definition["budget"] == {"total": {"amount": 6_000_000, "currency": "GBP", "qualifier": "at_most"}}


def test_day_before_month_with_two_digits_is_not_read_as_an_hour() -> None:
    from shenbao.guides.parser.dates import find_dates

    found = [
        (d.date.isoformat(), d.time) for d in find_dates("Closes 25 March 2029, 17.00.00 or 10 May 2029.", default_year=None)
    ]
    assert found == [("2029-03-25", "17:00"), ("2029-05-10", None)]
    assert [d.time for d in find_dates("Due 4.30 pm on 12 June 2029.", default_year=None)] == ["16:30"]


def test_deadlines_label_then_one_line_per_stage_with_the_date_inside() -> None:
    from shenbao.guides.parser.deadlines import find_deadlines

    text = (
        "Submission deadlines:\n\n"
        "Stage A: Group One (Humanities), 3 February 2031, 14:00 (Paris time)\n"
        "Stage B: Group Two (Engineering), 17 March 2031, 14:00 (Paris time)\n"
        "Budget: EUR 10 000 000.\n"
    )
    assert [(d.iso, d.role) for d in find_deadlines(text, fallback_year=None)] == [
        ("2031-02-03T14:00", "applicant"),
        ("2031-03-17T14:00", "applicant"),
    ]
    # A Chinese label keeps its rule: the date must open the next line.
    assert find_deadlines("申报截止时间：\n根据有关管理办法，项目执行期至2031年3月17日。", fallback_year=None) == []


def test_deadline_as_by_a_date_after_a_submission_verb() -> None:
    from shenbao.guides.parser.deadlines import find_deadlines

    def found(text: str) -> list[str]:
        return [d.iso for d in find_deadlines(text, fallback_year=None)]

    assert found("The council must receive your proposal by 9 October 2030 4.00pm UK time.") == ["2030-10-09T16:00"]
    assert found("Applications are accepted until 30 June 2030.") == ["2030-06-30"]
    assert found("Projects must be completed by 31 March 2032.") == []  # an end of work, not a submission


def test_amounts_grouped_by_spaces_and_an_indicative_budget() -> None:
    definition, _ = _read("Indicative budget: EUR 12 345 000 from the 2030 budget.\n")
    assert definition["stated_totals"]["budget"] == {"amount": 12_345_000, "currency": "EUR", "qualifier": "about"}
    definition, _ = _read("Total budget: € 2 500 000.\n")
    assert definition["stated_totals"]["budget"] == {"amount": 2_500_000, "currency": "EUR"}


def test_groups_labelled_with_a_code_range_and_a_title_in_parentheses() -> None:
    text = (
        "Closing dates:\n\n"
        "Panels: AB1 - AB4 (Marine Biology), 2 March 2031, 17.00.00 (local time)\n"
        "Panels: CD1 – CD7 (Urban Studies), 9 March 2031, 17.00.00 (local time)\n"
        "Other text follows here.\n"
    )
    _, directions = _read(text)
    assert [(d["code"], d["title"]["en"]) for d in directions] == [("AB1-AB4", "Marine Biology"), ("CD1-CD7", "Urban Studies")]
    # One such line alone is not a list.
    _, directions = _read("Panels: AB1 - AB4 (Marine Biology), 2 March 2031\nOther text follows here.\n")
    assert directions == []


def test_a_sentence_announcing_a_counted_list_of_domains_on_lines_of_their_own() -> None:
    text = "The board set these shares for each of the three research domains:\n\nOcean Science: 40%\nSoil Science: 35%\nAir Quality: 25%\nand a small reserve.\n"
    _, directions = _read(text)
    assert [d["title"]["en"] for d in directions] == ["Ocean Science", "Soil Science", "Air Quality"]
    # The count is checked: four lines under "three domains" are not that list.
    _, directions = _read(text.replace("Air Quality: 25%\n", "Air Quality: 20%\nWater: 5%\n"))
    assert directions == []


def test_label_lines_of_an_english_notice_are_not_joined_as_wrapped_text() -> None:
    text = (
        "Call: Cluster 9 - Soils\n"
        "Topic ID: PROG-CL9-2031-SOIL-01-1\n"
        "Type of action: Research and Innovation Actions\n"
        "Opening date: 12 October 2030\n"
        "Deadline date: 15 February 2031 17:00:00 Brussels time\n"
        "Budget overview: EUR 20 000 000\n"
        "Expected contribution per project: an estimated contribution of around EUR 5.00 million would be fitting.\n"
        "Indicative number of projects expected to be funded: 4\n"
    )
    data = extract_guide(text).data
    assert data["stated_totals"] == {
        "projects": {"qualifier": "exact", "value": 4},
        "budget": {"amount": 20_000_000, "currency": "EUR"},
    }
    assert data["budget"]["per_project"] == {"amount": 5_000_000, "currency": "EUR", "qualifier": "about"}
    assert [t["at"] for t in data["timeline"] if t["kind"] == "deadline" and not t.get("tentative")] == ["2031-02-15T17:00"]


def test_a_range_of_amounts_is_at_most_its_top_for_one_project() -> None:
    definition, _ = _read("Award range: £500,000 - £1,000,000\nTotal fund: £6,000,000\n")
    assert definition["budget"] == {
        "total": {"amount": 6_000_000, "currency": "GBP"},
        "per_project": {"amount": 1_000_000, "currency": "GBP", "qualifier": "at_most"},
    }
    definition, _ = _read("An EU contribution of between EUR 3.00 and 4.00 million per project would be appropriate.\n")
    assert definition["budget"]["per_project"] == {"amount": 4_000_000, "currency": "EUR", "qualifier": "at_most"}
    # "available" says total, but a range is the size of one grant.
    definition, _ = _read("Grants of $50,000 to $150,000 are available.\n")
    assert definition["budget"] == {"per_project": {"amount": 150_000, "currency": "USD", "qualifier": "at_most"}}
    assert "stated_totals" not in definition


def test_an_announced_list_may_be_bulleted() -> None:
    text = (
        "Research themes\nThe programme supports three themes:\n- Coastal Resilience\n- Urban Heat\n- Soil Carbon\nApply now.\n"
    )
    _, directions = _read(text)
    assert [d["title"]["en"] for d in directions] == ["Coastal Resilience", "Urban Heat", "Soil Carbon"]


def test_dates_under_a_deadlines_label_that_open_or_announce_are_not_deadlines() -> None:
    from shenbao.guides.parser.deadlines import find_deadlines

    text = (
        "Key dates and deadlines:\n"
        "Opening date for applications 2 May 2031\n"
        "Full proposals close 9 June 2031, 16:00 UK time\n"
        "Funding decisions announced 1 October 2031\n"
    )
    assert [d.iso for d in find_deadlines(text, fallback_year=None)] == ["2031-06-09T16:00"]


@pytest.mark.parametrize(
    "sentence",
    [
        "We have allocated up to £12 million to fund innovation projects in this competition.",
        "The agency will invest up to £12 million in projects that stimulate growth.",
    ],
)
def test_money_allocated_or_invested_is_the_call_total(sentence: str) -> None:
    definition, _ = _read(sentence)
    assert definition["stated_totals"]["budget"] == {"amount": 12_000_000, "currency": "GBP", "qualifier": "at_most"}
    assert "per_project" not in definition["budget"]


def test_what_each_awardee_receives_is_the_per_project_amount() -> None:
    definition, _ = _read("The fellowship now accepts applications. Awardees receive $30,000 to pursue a project.")
    assert definition["budget"]["per_project"] == {"amount": 30_000, "currency": "USD"}


def test_duration_with_its_cue_after_the_length() -> None:
    definition, _ = _read("Each fellowship can be up to 18 months in duration and is held at a UK university.")
    assert definition["duration"] == {"unit": "months", "qualifier": "at_most", "value": 18}
    definition, _ = _read("Studies are typically 2 years long and involve two partners.")
    assert definition["duration"] == {"unit": "years", "qualifier": "exact", "value": 2}
    # An age or an experience is no project length.
    definition, _ = _read("Applicants must have 5 years of experience since their PhD.")
    assert "duration" not in definition


def test_duration_between_two_lengths_in_different_units() -> None:
    definition, _ = _read("Projects should last between 6 months and 2 years.")
    assert definition["duration"] == {"unit": "months", "qualifier": "range", "min": 6, "max": 24}
    definition, _ = _read("Projects may last from 1 year to 3 years.")
    assert definition["duration"] == {"unit": "years", "qualifier": "range", "min": 1, "max": 3}
    # A range of costs is no duration.
    definition, _ = _read("Project costs should be between 25,000 and 100,000 pounds.")
    assert "duration" not in definition
