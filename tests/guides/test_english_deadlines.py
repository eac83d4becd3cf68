"""English deadlines the shared reader misses: key-date labels, a time before the date, dates without a year."""

from __future__ import annotations

import datetime as dt

from shenbao.guides.parser.english_deadlines import english_deadlines
from shenbao.guides.parser.extract import extract_guide


def _found(text: str, year: int | None = None) -> list[tuple[str, str, bool]]:
    return [(d.iso, d.role, d.year_guessed) for d in english_deadlines(text, year)]


def test_key_date_labels_name_what_is_due_and_its_role() -> None:
    text = (
        "Key Dates\n"
        "Release/Posted Date: March 5, 2031\n"
        "Opening Date: April 4, 2031\n"
        "Letters of Intent Receipt Date(s): April 5, 2031\n"
        "NOTE: applications must be submitted no later than 5:00 p.m. local time (of the applicant\n"
        "organization).\n"
        "Application Due\n"
        "Date(s): May 4, 2031\n"
        "Peer Review Date(s): July 2031\n"
        "Earliest Anticipated Start Date(s): August 31, 2031\n"
    )
    # The wrapped label is one label; the note's time goes to the one application date; posting,
    # opening, review and start dates are not deadlines.
    assert _found(text) == [("2031-04-05", "other", False), ("2031-05-04T17:00", "applicant", False)]


def test_key_dates_in_table_cells_and_on_one_flattened_line() -> None:
    cells = (
        "Posted Date |\nMay 27, 2031 |\n"
        "Letter of Intent Due Date |\nJune 28, 2031 |\n"
        "Application Due Date(s) |\nJuly 28, 2031, by 5:00 PM local time of applicant organization. |\n"
        "AIDS Application Due Date(s) |\nNot Applicable |\n"
        "Expiration Date |\nJuly 29, 2031 |\n"
    )
    assert _found(cells) == [("2031-06-28", "other", False), ("2031-07-28T17:00", "applicant", False)]
    flat = (
        "RELEASE DATE: May 9, 2032 LETTER OF INTENT RECEIPT DATE: June 30, 2032 APPLICATION RECEIPT DATE: July 30, 2032 THIS RFA"
    )
    assert _found(flat) == [("2032-06-30", "other", False), ("2032-07-30", "applicant", False)]


def test_a_review_date_or_a_label_without_a_date_is_no_deadline() -> None:
    assert _found("Council Review Date(s): August 12, 2031\nApplication Due Date(s): to be announced\n") == []


def test_a_time_and_its_zone_in_words_before_the_date() -> None:
    text = "Submission Deadline\nAll submissions must be made by 17:00 Brussels local time, September 28th 2031.\n"
    assert _found(text) == [("2031-09-28T17:00", "applicant", False)]
    # A date that says who may take part, or when work must start, is no deadline.
    assert _found("Proposers who submit before January 18, 2031 must also follow the new guide.") == []
    assert _found("We expect proposals to be underway by the 31 January 2031.") == []


def test_a_date_without_a_year_takes_it_from_the_title_and_is_flagged() -> None:
    text = "Division of Chemistry 2031 Supplemental Funding Requests\n\nRequests should be submitted no later than Monday, April 2.\n"
    assert _found(text) == [("2031-04-02", "applicant", True)]
    # Nothing to take a year from: no deadline rather than an invented one.
    assert _found("Requests should be submitted no later than Monday, April 2.") == []


def test_the_end_of_an_open_window_is_a_deadline_in_the_year_of_the_schedule() -> None:
    text = (
        "The call is organised in two phases. The first phase will be open from August 27th to October 15th. "
        "The second phase will be open from January 8th to March 12th 2032.\n"
    )
    # October comes before the dated March 12th 2032 in the schedule: the year before.
    assert _found(text) == [("2031-10-15", "applicant", True), ("2032-03-12", "applicant", False)]
    assert _found("The museum is open from May 1 to September 30 2031.") == []  # no call, phase or submission


def test_an_english_deadline_replaces_the_placeholder_in_the_draft() -> None:
    extraction = extract_guide(
        "Call for proposals: Resilient Coasts 2031\n\nApplications are welcome from all universities.\n"
        "The call will be open for applications between 10 February and 31 March.\n"
    )
    assert extraction.definition is not None
    timeline = [(t.kind, t.at, t.precision, t.tentative) for t in extraction.definition.timeline]
    assert timeline == [("deadline", dt.datetime(2031, 4, 1), "day", False)]  # the end of 31 March
    codes = [w.code for w in extraction.warnings]
    assert "deadline_missing" not in codes and ("year_inferred", {"date": "2031-03-31"}) in [
        (w.code, w.params) for w in extraction.warnings
    ]
    assert [(s.path, s.note) for s in extraction.spans if s.path.startswith("timeline")] == [("timeline.0", "year inferred")]


def test_a_key_date_value_may_list_several_dates_and_a_note_times_them_all() -> None:
    text = (
        "Key Dates\n"
        "Posted Date\tOctober 3, 2030\n"
        "Open Date (Earliest Submission Date)\tJanuary 5, 2031\n"
        "Letter of Intent Due Date(s)\t30 days prior to the application due date\n"
        "Application Due Dates\tFebruary 5, 2031; June 5, 2031\n"
        "All applications are due by 5:00 PM local time of applicant organization.\n"
        "Expiration Date\tJune 6, 2031\n"
    )
    assert _found(text) == [("2031-02-05T17:00", "applicant", False), ("2031-06-05T17:00", "applicant", False)]
    # Through the importer (whose layout joins these lines, and whose shared reader finds February 5
    # without its time): both dates at 17:00, nothing else.
    extraction = extract_guide(text)
    assert extraction.definition is not None
    assert [(t.at, t.precision) for t in extraction.definition.timeline if t.kind == "deadline"] == [
        (dt.datetime(2031, 2, 5, 17, 0), "minute"),
        (dt.datetime(2031, 6, 5, 17, 0), "minute"),
    ]


def test_a_time_next_to_a_date_of_its_own_is_no_note_for_the_others() -> None:
    text = "Application Due Date(s): May 4, 2031\nPre-proposals must be submitted by 5:00 p.m. local time on March 3, 2031.\n"
    assert ("2031-05-04", "applicant", False) in _found(text)


def test_by_phrases_that_state_a_condition_or_a_report_are_no_deadline() -> None:
    assert _found("Applicants who received their PhD before 1 January 2030 may apply.") == []
    assert _found("Applications are open to researchers awarded their doctorate before 31 December 2029.") == []
    assert _found("Reports must be submitted by 31 December 2032 at the latest.") == []
    # The thing handed in is named before the date: a date before the word "apply" is no deadline.
    assert _found("Before 1 March 2031 nobody may apply.") == []


def test_noon_and_a_letter_due_by_a_weekday_and_date() -> None:
    assert _found("Applications must be submitted by 12 noon on 3 March 2031.") == [("2031-03-03T12:00", "applicant", False)]
    assert _found("Expressions of interest are due by Friday, 14 March.", 2031) == [("2031-03-14", "other", True)]
