"""The budget table on the application form: one input per line and source, a justification per line,
totals computed, and refusals (negative, not a number, too many decimals …) in the user's language.

The browser posts one input per cell (``value__<code>__<line>__<source>``, ``…__<line>__note``);
the API posts the whole table as JSON under ``value__<code>``.  Both are cleaned by the one pure
``clean_budget``.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from shenbao.calls.budget_messages import error_text
from shenbao.calls.definition.budget import (
    MAX_NOTE,
    BudgetSpec,
    budget_table,
    clean_budget,
    format_amount,
    source_label,
    unit_label,
)


def _language() -> str:
    return translation.get_language() or "zh-hans"


def _cell(name: str, line: str, suffix: str) -> str:
    return f"{name}__{line}__{suffix}"


class BudgetWidget(forms.Widget):
    """A table of inputs; totals are computed from what is stored on every save, and recomputed while typing
    by ``web/budget.js`` (the page stays usable without it)."""

    def __init__(self, spec: BudgetSpec, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.spec = spec

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            raw = data.get(name)
            if isinstance(raw, dict):
                return raw
            if raw in (None, ""):
                return None
            try:
                return json.loads(raw)
            except (TypeError, ValueError):
                return raw  # refused as not a table when cleaned
        prefix = f"{name}__"
        if not any(str(key).startswith(prefix) for key in data):
            return None
        lines: dict[str, dict[str, str]] = {}
        notes: dict[str, str] = {}
        for key in data:
            if not str(key).startswith(prefix):
                continue
            line, _sep, suffix = str(key).removeprefix(prefix).rpartition("__")
            text = data.get(key)
            if not line or text in (None, ""):
                continue
            if suffix == "note":
                notes[line] = text
            else:
                lines.setdefault(line, {})[suffix] = text
        return {"lines": lines, "notes": notes}

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        spec = self.spec
        language = _language()
        value = value if isinstance(value, dict) else {}
        lines = value.get("lines") if isinstance(value.get("lines"), dict) else {}
        notes = value.get("notes") if isinstance(value.get("notes"), dict) else {}
        try:
            table = budget_table(spec, value)
        except (TypeError, AttributeError):
            table = budget_table(spec, None)
        sources = [s.value for s in spec.sources]
        head = format_html_join("", '<th scope="col">{}</th>', ((source_label(s, language),) for s in sources))
        note_head = format_html('<th scope="col">{}</th>', gettext("Justification")) if spec.justification else ""
        body = []
        entry = set(spec.entry_codes())
        for row in table.rows:
            cells = []
            for s in sources:
                if row.code in entry:
                    given = (lines.get(row.code) or {}).get(s, "")
                    cells.append(
                        format_html(
                            '<td><input type="text" inputmode="decimal" name="{}" value="{}" aria-label="{} {}" size="8"'
                            ' data-row="{}" data-category="{}" data-source="{}"></td>',
                            _cell(name, row.code, s),
                            given if given is not None else "",
                            row.label.get(language),
                            source_label(s, language),
                            row.code,
                            row.category,
                            s,
                        )
                    )
                else:
                    cells.append(
                        format_html(
                            '<td class="computed" data-sum-category="{}" data-source="{}">{}</td>',
                            row.code,
                            s,
                            format_amount(row.amounts[s], spec.decimals),
                        )
                    )
            note = ""
            if spec.justification:
                note = format_html(
                    '<td><textarea name="{}" rows="1" maxlength="{}" aria-label="{} {}">{}</textarea></td>',
                    _cell(name, row.code, "note"),
                    MAX_NOTE,
                    row.label.get(language),
                    gettext("Justification"),
                    notes.get(row.code, ""),
                )
            body.append(
                format_html(
                    '<tr class="{}"><th scope="row">{}</th>{}<td class="computed" data-row-total="{}">{}</td>{}</tr>',
                    "subline" if row.subline else "category",
                    ("— " if row.subline else "") + row.label.get(language),
                    SafeString("".join(cells)),
                    row.code,
                    format_amount(row.total, spec.decimals),
                    note,
                )
            )
        totals = format_html_join(
            "",
            '<td class="computed" data-source-total="{}">{}</td>',
            ((s, format_amount(table.column_totals[s], spec.decimals)) for s in sources),
        )
        foot = format_html(
            '<tr class="total"><th scope="row">{}</th>{}<td class="computed" data-grand-total>{}</td>{}</tr>',
            gettext("Total"),
            totals,
            format_amount(table.grand_total, spec.decimals),
            SafeString("<td></td>") if spec.justification else "",
        )
        return format_html(
            '<table class="budget-table" id="{}" data-budget data-decimals="{}"><caption>{}</caption>'
            '<thead><tr><th scope="col">{}</th>{}<th scope="col">{}</th>{}</tr></thead>'
            "<tbody>{}</tbody><tfoot>{}</tfoot></table>",
            (attrs or {}).get("id", f"id_{name}"),
            spec.decimals,
            gettext("Unit: %(unit)s") % {"unit": unit_label(spec.unit, language)},
            gettext("Budget category"),
            head,
            gettext("Total"),
            note_head,
            SafeString("".join(body)),
            foot,
        )


class BudgetField(forms.Field):
    """A budget table: cleaned to what is stored (amounts as decimal strings in the call's unit)."""

    def __init__(self, spec: BudgetSpec, **kwargs: Any) -> None:
        self.spec = spec
        super().__init__(widget=BudgetWidget(spec), **kwargs)

    def to_python(self, value: Any) -> Any:
        cleaned, errors = clean_budget(self.spec, value)
        if errors:
            raise forms.ValidationError([error_text(self.spec, e) for e in errors], code="budget")
        return cleaned

    def prepare_value(self, value: Any) -> Any:
        return value


def budget_totals_text(spec: BudgetSpec, value: Any, language: str) -> str:
    """The grand total with its unit (for lists and summaries)."""
    table = budget_table(spec, value if isinstance(value, dict) else None)
    return f"{format_amount(table.grand_total, spec.decimals)} {unit_label(spec.unit, language)}"
