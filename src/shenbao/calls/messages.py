"""Definition errors as sentences in the user's language (DESIGN §8: clear, translated errors).

The pure loader reports each problem as a path, a type code and a context; this module
turns that into a translated sentence with named placeholders.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shenbao.calls.definition.load import DefinitionError
from shenbao.calls.definition.tables import RowProblem, TableUnreadable
from shenbao.core.bounded import MAX_ROWS

MESSAGES: dict[str, Promise] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("This field is not part of the schema (check the spelling)."),
    "syntax": _("The file is not valid YAML or JSON (line %(line)s: %(problem)s)."),
    "encoding": _("The file is not UTF-8 text."),
    "duplicate_key": _("A key appears twice in the same mapping (line %(line)s: %(problem)s); only one may be given."),
    "not_a_mapping": _("A definition must be a mapping of keys to values at the top level."),
    "too_large": _("The text is %(size_mb)s MB; at most %(max_mb)s MB is accepted."),
    "date_out_of_range": _("Give a date between the years %(earliest)s and %(latest)s."),
    "too_deep": _("The text is nested more than %(max_depth)s levels deep, which no definition needs."),
    "invalid_text": _("The text holds a character that is not valid Unicode (a lone surrogate); remove it and try again."),
    "string_type": _("Expected text."),
    "int_type": _("Expected a whole number."),
    "int_parsing": _("Expected a whole number."),
    "int_from_float": _("Expected a whole number."),
    "float_type": _("Expected a number."),
    "float_parsing": _("Expected a number."),
    "bool_type": _("Expected true or false."),
    "bool_parsing": _("Expected true or false."),
    "greater_than": _("Must be greater than %(gt)s."),
    "greater_than_equal": _("Must be at least %(ge)s."),
    "less_than": _("Must be less than %(lt)s."),
    "less_than_equal": _("Must be at most %(le)s."),
    "too_short": _("Needs at least %(min_length)s item(s)."),
    "too_long": _("Allows at most %(max_length)s item(s)."),
    "string_too_short": _("Needs at least %(min_length)s character(s)."),
    "string_too_long": _("Allows at most %(max_length)s character(s)."),
    "literal_error": _("Must be one of: %(expected)s."),
    "enum": _("Must be one of: %(expected)s."),
    "date_type": _("Expected a date (YYYY-MM-DD)."),
    "date_parsing": _("Expected a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": _("Expected a date (YYYY-MM-DD)."),
    "date_from_datetime_inexact": _("Expected a date without a time."),
    "datetime_type": _("Expected a date and time (YYYY-MM-DDTHH:MM)."),
    "datetime_parsing": _("Expected a date and time (YYYY-MM-DDTHH:MM)."),
    "datetime_from_date_parsing": _("Expected a date and time (YYYY-MM-DDTHH:MM)."),
    "list_type": _("Expected a list."),
    "dict_type": _("Expected a mapping of keys to values."),
    "model_type": _("Expected a mapping of keys to values."),
    "model_attributes_type": _("Expected a mapping of keys to values."),
    "union_tag_invalid": _("Unknown kind %(tag)s; known kinds: %(expected_tags)s."),
    "union_tag_not_found": _("The kind is missing (add kind: …)."),
    "i18n_empty": _("The text needs at least one language (zh-hans or en)."),
    "slug_format": _("A program or call code uses lower-case letters, digits and '-' (it becomes part of web addresses)."),
    "duration_too_long": _("A duration is at most 100 years (1,200 months)."),
    "finite_number": _("Expected a finite number."),
    "code_format": _(
        "A code uses letters, digits, '.', '_' or '-', starts with a letter or digit and has at most 64 characters."
    ),
    "country_unknown": _("“%(value)s” is not an ISO 3166 country code."),
    "country_group_unknown": _("Unknown country group “%(value)s”; known groups: %(allowed)s."),
    "range_needs_bounds": _("A range needs both min and max."),
    "range_order": _("min (%(min)s) must not be greater than max (%(max)s)."),
    "unspecified_has_value": _("An unspecified quantity cannot have a value."),
    "quantity_needs_value": _("The qualifier %(qualifier)s needs a value."),
    "money_one_amount": _("Give exactly one of amount (yuan) or amount_wan (10,000 yuan)."),
    "money_qualifier": _("An amount is exact, at most, at least or about, not %(qualifier)s."),
    "currency_unknown": _("Unknown currency “%(value)s”."),
    "timeline_shape": _("A timeline item has either at, or start and/or end."),
    "timeline_offset": _("Write local times without an offset; the call's time zone applies."),
    "window_order": _("The start must not be after the end."),
    "deadline_point": _("A deadline is a point in time: give at."),
    "deadline_missing": _("The timeline needs a deadline item."),
    "timezone_unknown": _("Unknown time zone “%(value)s”."),
    "duplicate_code": _("Duplicate code(s): %(value)s."),
    "unknown_reference": _("Refers to “%(value)s”, which is not defined in this call."),
    "category_missing": _("The call has categories, so every direction needs one."),
    "share_link_threshold": _("share_link_over_mb (%(share)s) must not exceed max_size_mb (%(max)s)."),
    "choices_missing": _("A choice field needs choices."),
    "choices_unexpected": _("Only choice fields have choices."),
    "file_options_unexpected": _("Only file fields have accepted formats and a size limit."),
    "file_bound": _("A file field cannot be bound to an application attribute."),
    "file_code_taken": _("“%(value)s” is already a required document's code; give the file field another code."),
    "budget_options_unexpected": _("Only budget fields have a budget table."),
    "budget_bound": _("A budget field cannot be bound to an application attribute."),
    "budget_decimals": _("%(decimals)s decimals are too many for the unit; at most %(max)s."),
    "budget_grant_missing": _("A budget's sources must include the grant requested (grant)."),
    "budget_categories_missing": _("A budget needs at least one category."),
    "budget_single_subline": _("Category “%(value)s” is split into one sub-line only; give it none or at least two."),
    "budget_field_unknown": _("“%(value)s” is not a budget field of the form."),
    "amount_field_unknown": _("“%(value)s” is not a money or number field of the form."),
    "budget_source_unknown": _("The budget field has no funding source “%(value)s”."),
    "matching_counts_grant": _("The grant requested is not co-funding: leave it out of the sources."),
    "scale_order": _("The lowest score (%(min)s) must be below the highest (%(max)s)."),
    "stage_needs_criteria": _("A scoring stage needs criteria."),
    "discussion_needs_reviewers": _("A formal check has no reviewers: it has neither a discussion nor a panel opinion."),
    "panel_opinion_not_written": _("The panel opinion can be shown to the applicant only where the stage has a panel opinion."),
    "sign_off_not_given": _(
        "The chair's sign-off statement can be shown to the applicant only where the chair signs off the shortlist."
    ),
    "advancement_needs_n": _("Advancement by top_n needs n."),
    "tie_break_criterion": _("A tie-break by a criterion's mean names the criterion; the other tie-breaks take none."),
    "advancement_needs_tier": _("Advancement by prize_tier needs tier."),
    "advancement_self": _("A stage cannot advance to itself."),
    "response_deadline_one": _("Give exactly one of deadline or duration_days for the applicant's response."),
    "response_needs_reviews": _("An applicant's response answers scored reviews: the stage needs criteria."),
    "fixed_amount_missing": _("award_amount fixed needs fixed_amount."),
    "prize_tiers_missing": _("Selection by prize tiers needs prize_tiers."),
    "deadline_one_count": _("Give exactly one of working_days or calendar_days."),
    "rule_needs_bound": _("Give on_or_after or before."),
    "recommended_above_max": _("recommended (%(recommended)s) must not exceed max (%(max)s)."),
    "regex_invalid": _("Not a valid regular expression: %(error)s."),
    "expression_invalid": _("Not a valid CEL expression: %(error)s."),
    "example_mismatch": _("The example “%(value)s” does not match the pattern."),
}

FALLBACK = _("This value is not valid (%(detail)s).")


def error_message(error: DefinitionError) -> str:
    """The error as a sentence in the active language."""
    template = MESSAGES.get(error.type)
    params: dict[str, Any] = {k: ("" if v is None else v) for k, v in error.context.items()}
    if template is None:
        return str(FALLBACK) % {"detail": error.message}
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(FALLBACK) % {"detail": error.message}


def error_line(error: DefinitionError, language: str) -> str:
    with translation.override(language):
        where = error.path or str(_("(whole document)"))
        return f"{where}: {error_message(error)}"


def bilingual_lines(errors: list[DefinitionError]) -> list[str]:
    """Each error as ``path: 中文 / path: English``, the format of ``validate_call``."""
    return [f"{error_line(e, 'zh-hans')}\n    {error_line(e, 'en')}" for e in errors]


def problem_text(problem: RowProblem) -> str:
    if problem.type == "unknown_column":
        return gettext("Unknown column “%(value)s”.") % {"value": problem.value}
    if problem.type == "missing_column":
        return gettext("The column is missing.")
    if problem.type == "duplicate_code":
        return gettext("The code “%(value)s” appears more than once.") % {"value": problem.value}
    if problem.type == "missing":
        return gettext("A value is required.")
    if problem.type == "not_a_number":
        return gettext("“%(value)s” is not a number.") % {"value": problem.value}
    if problem.type == "extra_cells":
        return gettext("The row has more cells than the header: %(value)s.") % {"value": problem.value}
    if problem.type == "empty_table":
        return gettext("The table has no rows; nothing was changed.")
    template = MESSAGES.get(problem.type)
    if template is not None:
        try:
            return str(template) % {"value": problem.value, **problem.context}
        except (KeyError, TypeError, ValueError):
            pass
    return gettext("This value is not valid (%(detail)s).") % {"detail": problem.type}


def problem_line(problem: RowProblem, language: str) -> str:
    with translation.override(language):
        if problem.row == 0:
            return gettext("%(column)s: %(problem)s") % {"column": problem.column or "-", "problem": problem_text(problem)}
        return gettext("Row %(row)s, column %(column)s: %(problem)s") % {
            "row": problem.row,
            "column": problem.column,
            "problem": problem_text(problem),
        }


def unreadable(exc: TableUnreadable) -> str:
    """Why a table file could not be read, in Chinese and English."""
    texts = {
        "encoding": _("The file is not UTF-8 or GB18030 text."),
        "xlsx_invalid": _("The file is not a readable .xlsx workbook."),
        "format": _("Only .csv and .xlsx files can be imported."),
        "too_big": _("The table has far more rows or data than an import takes (at most %(rows)s rows)."),
    }
    template = texts.get(exc.type, _("The file cannot be read."))
    params = {"rows": MAX_ROWS}  # a mapping: templates without placeholders come out unchanged
    with translation.override("zh-hans"):
        zh = str(template) % params
    with translation.override("en"):
        en = str(template) % params
    return f"{zh} / {en}"
