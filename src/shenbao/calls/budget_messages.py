"""The budget table's refusals as sentences in the active language (the applicant's form, the API and
staff's approved budget share them), naming the line and the source by their labels."""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shenbao.calls.definition.budget import BudgetInputError, BudgetSpec, source_label

ERRORS: dict[str, Promise] = {
    "budget_not_a_number": _("%(line)s, %(source)s: “%(text)s” is not a number."),
    "budget_negative": _("%(line)s, %(source)s: an amount cannot be negative (%(text)s)."),
    "budget_too_many_decimals": _("%(line)s, %(source)s: “%(text)s” has more than %(decimals)s decimal places."),
    "budget_too_large": _("%(line)s, %(source)s: “%(text)s” is too large."),
    "budget_line_has_sublines": _("%(line)s is the sum of its sub-lines: enter the amounts on them."),
    "budget_unknown_line": _("The budget table has no line “%(line)s”."),
    "budget_unknown_source": _("%(line)s: the budget table has no funding source “%(source)s”."),
    "budget_note_too_long": _("%(line)s: the justification is longer than %(max)s characters."),
    "budget_not_a_table": _("The budget must be given as a table of lines and amounts."),
}


def _language() -> str:
    return translation.get_language() or "zh-hans"


def error_text(spec: BudgetSpec, error: BudgetInputError) -> str:
    """One refusal as a sentence in the active language, naming the line and the source."""
    language = _language()
    params = dict(error.params)
    if "line" in params:
        label = spec.line_label(params["line"])
        params["line"] = label.get(language) if label is not None else params["line"]
    if "source" in params:
        params["source"] = source_label(params["source"], language)
    return str(ERRORS[error.code]) % params
