"""English deadlines the shared reader misses: key-date labels, a time before the date, dates without a year."""

from __future__ import annotations

from shenbao.guides.parser.english_deadlines import english_deadlines


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
