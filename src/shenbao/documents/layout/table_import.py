"""Rows of an applications table (.xlsx/.csv) checked against a form: pure, so a dry run can list
every row's problems before anything is written.

Columns: ``applicant_email``, ``direction`` (when the call has directions), then one column per
field, headed by its code or its label in either language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shenbao.documents.layout.spec import FieldSpec, Status, Value, normalise_label, parse_value

APPLICANT = "applicant_email"
DIRECTION = "direction"


@dataclass(frozen=True)
class ImportProblem:
    row: int  # as in the spreadsheet: the header is row 1
    column: str
    code: str  # a documents.layout.spec.Problem value, or unknown_column / missing_applicant / …
    value: str = ""


@dataclass
class ImportRow:
    row: int
    applicant_email: str
    direction: str | None
    values: dict[str, Value] = field(default_factory=dict)


def _columns(headers: list[str], specs: list[FieldSpec]) -> tuple[dict[str, str], list[str]]:
    """Header → field code (or the two fixed columns), and the headers nobody claims."""
    names: dict[str, str] = {normalise_label(APPLICANT): APPLICANT, normalise_label(DIRECTION): DIRECTION}
    for spec in specs:
        for name in (spec.code, spec.label, *spec.aliases):
            names.setdefault(normalise_label(name), spec.code)
    mapping, unknown = {}, []
    for header in headers:
        code = names.get(normalise_label(header))
        if code is None:
            unknown.append(header)
        else:
            mapping[header] = code
    return mapping, unknown


def check_rows(
    rows: Sequence[Mapping[str, str]],
    forms: Mapping[str | None, list[FieldSpec]],
    *,
    applicants: set[str],
) -> tuple[list[ImportRow], list[ImportProblem]]:
    """Each row's values, and every problem of every row.

    ``forms`` holds the form's fields per direction code (one entry under None when the call has
    no directions); ``applicants`` are the registered e-mail addresses, in lower case.
    """
    union: dict[str, FieldSpec] = {}
    for fields in forms.values():
        for spec in fields:
            union.setdefault(spec.code, spec)
    headers = list(dict.fromkeys(h for row in rows for h in row))
    mapping, unknown = _columns(headers, list(union.values()))
    problems = [ImportProblem(1, header, "unknown_column", header) for header in unknown]
    if APPLICANT not in mapping.values():
        problems.append(ImportProblem(1, APPLICANT, "missing_column", APPLICANT))
    has_directions = None not in forms
    out: list[ImportRow] = []
    for number, raw in enumerate(rows, start=2):
        cells = {mapping[h]: (v or "").strip() for h, v in raw.items() if h in mapping}
        email = cells.get(APPLICANT, "").lower()
        if not email:
            problems.append(ImportProblem(number, APPLICANT, "missing_applicant"))
        elif email not in applicants:
            problems.append(ImportProblem(number, APPLICANT, "no_such_applicant", email))
        direction = cells.get(DIRECTION) or None
        specs = forms.get(direction if has_directions else None)
        if has_directions and direction is None:
            problems.append(ImportProblem(number, DIRECTION, "missing_direction"))
        elif specs is None:
            problems.append(ImportProblem(number, DIRECTION, "unknown_direction", direction or ""))
        by_code = {s.code: s for s in specs or []}
        item = ImportRow(number, email, direction)
        for code, text in cells.items():
            if code in (APPLICANT, DIRECTION) or not text or specs is None:
                continue
            if code not in by_code:
                problems.append(ImportProblem(number, code, "not_for_direction", text))
                continue
            parsed = parse_value(by_code[code], text)
            if parsed.status == Status.INVALID:
                problems.append(ImportProblem(number, code, parsed.problem.value if parsed.problem else "invalid", text))
            elif parsed.status == Status.READ:
                item.values[code] = parsed.value
        out.append(item)
    return out, problems
