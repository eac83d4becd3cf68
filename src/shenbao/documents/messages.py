"""What the confirm page says about each field of a read 申报表."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shenbao.documents.layout.spec import Problem, Status
from shenbao.documents.layout.table_import import ImportProblem

STATUS_LABELS: dict[Status, Promise] = {
    Status.READ: _("Read"),
    Status.EMPTY: _("Left empty"),
    Status.INVALID: _("Did not fit"),
    Status.MISSING: _("Not in the document"),
}

PROBLEM_TEXTS: dict[Problem, Promise] = {
    Problem.TOO_LONG: _("The text is longer than the field allows."),
    Problem.NOT_A_NUMBER: _("This is not a number."),
    Problem.NOT_A_WHOLE_NUMBER: _("A whole number is needed here."),
    Problem.TOO_SMALL: _("The number is below the smallest allowed."),
    Problem.TOO_LARGE: _("The number is above the largest allowed."),
    Problem.NOT_A_DATE: _("This is not a date; write it as 2025-03-31 or 2025年3月31日."),
    Problem.NOT_AN_EMAIL: _("This is not an e-mail address."),
    Problem.NOT_A_URL: _("This is not a web address (https://…)."),
    Problem.NOT_YES_NO: _("Tick yes or no."),
    Problem.UNKNOWN_CHOICE: _("This is not one of the choices."),
    Problem.SEVERAL_CHOICES: _("Only one choice may be ticked."),
    Problem.NEGATIVE: _("An amount cannot be negative."),
    Problem.TOO_MANY_DECIMALS: _("The amount has more decimal places than the call allows."),
}

IMPORT_TEXTS: dict[str, Promise] = {
    "unknown_column": _("This column is neither a field of the form nor applicant_email or direction."),
    "missing_column": _("The table needs an applicant_email column."),
    "missing_applicant": _("The applicant's e-mail address is missing."),
    "no_such_applicant": _("Nobody is registered with this e-mail address; the applicant registers first."),
    "missing_direction": _("The direction is missing."),
    "unknown_direction": _("The call has no such direction."),
    "not_for_direction": _("This field is not part of the form for the row's direction."),
}


def import_problem_line(problem: ImportProblem) -> str:
    """One problem of an import's dry run, as a sentence naming the row and the column."""
    if problem.code in IMPORT_TEXTS:
        text = str(IMPORT_TEXTS[problem.code])
    elif problem.code in {p.value for p in Problem}:
        text = str(PROBLEM_TEXTS[Problem(problem.code)])
    else:
        text = problem.code
    if problem.value:
        text = f"{text} ({problem.value})"
    return _("Row %(row)s, column %(column)s: %(problem)s") % {"row": problem.row, "column": problem.column, "problem": text}
