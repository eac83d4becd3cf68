"""English notices naming their directions by a kind word and a code ("Category 1", "Topic A", "first priority")."""

from __future__ import annotations

from typing import Any

from shenbao.guides.parser.english import read_english
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


def test_lines_opening_with_a_kind_word_and_the_next_code_are_directions_with_their_own_facts() -> None:
    definition, directions = _read(
        "Category 1 – Every year, two year projects for which the maximum grant per project is EUR 100 000.\n"
        "\n"
        "Category 2 – Framework partnership agreements for three years. The maximum grant per specific agreement"
        " is EUR 150 000 per year.\n"
    )
    assert directions == [
        {
            "code": "1",
            "title": {"en": "Category 1"},
            "budget": {"per_project": {"amount": 100_000, "currency": "EUR", "qualifier": "at_most"}},
            "duration": {"unit": "years", "qualifier": "exact", "value": 2},
        },
        {
            "code": "2",
            "title": {"en": "Category 2"},
            "budget": {"per_project": {"amount": 150_000, "currency": "EUR", "qualifier": "at_most"}},
            "duration": {"unit": "years", "qualifier": "exact", "value": 3},
        },
    ]
    # What one category's line says is not the whole call's.
    assert "budget" not in definition and "duration" not in definition


def test_quoted_titles_after_letter_codes_and_the_count_that_announces_them() -> None:
    text = (
        "Call Topics\n"
        "There are two distinct and coherent topics, each with its own target group:\n"
        "  • Topic A “Advanced co-development with users” is open to all applicants.\n"
        "  • Topic B “Institutional integration” is open only to mandated organisations.\n"
    )
    definition, directions = _read(text)
    assert [(d["code"], d["title"]["en"]) for d in directions] == [
        ("A", "Advanced co-development with users"),
        ("B", "Institutional integration"),
    ]
    assert definition["stated_totals"] == {"directions": 2}
    # A count that does not match the lines found is not taken.
    definition, directions = _read(text.replace("two distinct", "three distinct"))
    assert len(directions) == 2 and "stated_totals" not in definition


def test_a_single_line_or_a_broken_sequence_of_codes_is_no_list() -> None:
    assert _read("Topic A “Coastal resilience” is open to all applicants.\n")[1] == []
    assert _read("Topic A “Coastal resilience” is open.\nTopic C “Urban heat” is open.\n")[1] == []
    assert _read("Call 1st round opens in May.\nCall 2nd round opens in June.\n")[1] == []


def test_groups_named_in_running_text_each_with_its_amount() -> None:
    definition, directions = _read(
        "Estimated Available Funds: $12,000,000\n"
        "Estimated Range of Awards: $350,000-$750,000 under Absolute Priority 2; $500,000-$1,500,000 under Absolute Priority 3\n"
        "Estimated Average Size of Awards $500,000 under Absolute Priority 2; $1,000,000 under Absolute Priority 3\n"
    )
    assert [(d["title"]["en"], d["budget"]) for d in directions] == [
        ("Absolute Priority 2", {"per_project": {"amount": 500_000, "currency": "USD", "qualifier": "about"}}),
        ("Absolute Priority 3", {"per_project": {"amount": 1_000_000, "currency": "USD", "qualifier": "about"}}),
    ]
    # The ranges belong to the priorities: no call-wide amount for one project.
    assert "per_project" not in definition.get("budget", {})


def test_ranked_groups_with_reserved_amounts_a_decimal_comma_and_the_symbol_after() -> None:
    definition, directions = _read(
        "All the remaining resources for the regular projects, a total of 6 758 319 €, will be available. "
        "To the first priority 2,67 million Euros is reserved, to the second priority 2,01 million Euros "
        "and to the third priority 2,03 million Euros.\n"
    )
    assert [(d["title"]["en"], d["budget"]) for d in directions] == [
        ("first priority", {"total": {"amount": 2_670_000, "currency": "EUR"}}),
        ("second priority", {"total": {"amount": 2_010_000, "currency": "EUR"}}),
        ("third priority", {"total": {"amount": 2_030_000, "currency": "EUR"}}),
    ]
    assert definition["stated_totals"]["budget"] == {"amount": 6_758_319, "currency": "EUR"}


def test_groups_named_without_amounts_are_not_directions() -> None:
    assert _read("Priority 1 and Priority 2 are open to all applicants; Priority 3 opens later.\n")[1] == []


def test_a_short_name_filling_the_line_after_the_code_is_the_title() -> None:
    directions = _read("Topic 1: Climate services for cities\nTopic 2: Coastal flood forecasting\n")[1]
    assert [(d["code"], d["title"]["en"]) for d in directions] == [
        ("1", "Climate services for cities"),
        ("2", "Coastal flood forecasting"),
    ]


def test_ways_to_apply_are_not_directions() -> None:
    assert _read("Option 1: submit through the portal\nOption 2: send the form by e-mail\n")[1] == []
