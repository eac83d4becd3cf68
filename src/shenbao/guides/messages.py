"""Warnings of an extraction as sentences in the active language (codes come from the pure parser)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

WARNINGS = {
    "year_missing": _("The document states no year: this year was assumed."),
    "funder_missing": _("No funder was found: fill it in."),
    "no_directions": _("No directions were found: add them, or import them from a table."),
    "totals_missing": _("The document states no totals, so the directions cannot be checked against them."),
    "total_directions_missing": _("The document does not state how many directions it has."),
    "quota_unread": _("The number of projects at %(path)s was not understood: “%(text)s”."),
    "budget_unread": _("The budget at %(path)s was not understood: “%(text)s”."),
    "deadline_missing": _("No submission deadline was found: a placeholder marked “to be set” was put in."),
    "year_inferred": _("The year of %(date)s was inferred from the document: check it."),
    "reconciliation_gap": _("%(measure)s: these directions have no value, so the sum is incomplete: %(directions)s."),
    "reconciliation_difference": _("%(measure)s: the directions add up to %(summed)s, the document states %(stated)s."),
    "dropped": _("A value at %(path)s did not fit the call-definition schema and was left out (%(problem)s)."),
    "invalid": _("The draft could not be made valid: %(problem)s"),
}

#: How far a background import is (``GuideImport.progress_step``).
PROGRESS_STEPS = {
    "queued": _("Waiting for its turn"),
    "reading": _("Reading the file"),
    "text": _("Preparing the text"),
    "directions": _("Finding the directions"),
    "facts": _("Reading totals, deadlines and requirements"),
    "checking": _("Checking the draft"),
    "done": _("Done"),
}

MEASURES = {
    "directions": _("Directions"),
    "projects": _("Projects"),
    "budget_yuan": _("Budget (10,000 yuan)"),
}


def warning_text(code: str, params: dict[str, Any]) -> str:
    template = WARNINGS.get(code)
    if template is None:
        return code
    values = dict(params)
    if "measure" in values:
        values["measure"] = str(MEASURES.get(str(values["measure"]), values["measure"]))
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return code
