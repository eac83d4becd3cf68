"""Staff search over a call's applications: the fields of the query language and their database filters.

The language itself (``core.querylang``) knows no fields; this module says what ``state:``,
``score>=80`` or ``flag:fail`` mean, turns a parsed query into a ``Q``, and turns every mistake —
a syntax error or a field, value or comparison that does not exist — into a ``QueryError`` whose
message names the position (1-based, in characters) in the reader's language.

It lives in ``reviews`` because one field, ``score``, is the mean of the submitted reviews' totals;
the rest are the application's own data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from shenbao.applications.enums import ApplicationState, FormalCheckOutcome
from shenbao.applications.models import Application, FormalCheckDecision, ObligationBreach, Partner
from shenbao.applications.queries.staff import QUEUE_STATES
from shenbao.calls.models import Call
from shenbao.core.errors import DomainError
from shenbao.core.querylang import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_TERMS,
    And,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    parse,
    terms,
)
from shenbao.reviews.enums import ReviewState
from shenbao.reviews.models import Review


class QueryError(DomainError):
    """A query that cannot be run; ``position`` is 0-based (the message says it 1-based)."""

    code = "invalid_query"

    def __init__(self, message: str | Promise, *, position: int, params: dict[str, Any] | None = None) -> None:
        self.position = position
        super().__init__(message, params={"position": position + 1, **(params or {})})


_EXPECTED: dict[str, Promise] = {
    "term": _("a search term, “(” or NOT"),
    "value": _("a value after the field"),
    "close_bracket": _("a closing bracket “)”"),
    "operator_or_end": _("AND, OR or the end of the query"),
}


def _syntax_error(error: QuerySyntaxError) -> QueryError:
    # Lazy, so the message reads in the language it is shown in, not the one it was raised in.
    expected = lazy(lambda: " / ".join(str(_EXPECTED.get(e, e)) for e in error.expected), str)()
    if error.code == "unclosed_quote":
        return QueryError(_("At character %(position)s: the quote opened here is not closed."), position=error.position)
    if error.code == "too_long":
        return QueryError(
            _("The query is too long: at most %(limit)s characters."), position=error.position, params={"limit": MAX_LENGTH}
        )
    if error.code == "too_deep":
        return QueryError(
            _("At character %(position)s: too many nested brackets or NOTs (at most %(limit)s)."),
            position=error.position,
            params={"limit": MAX_DEPTH},
        )
    if error.code == "too_many_terms":
        return QueryError(
            _("At character %(position)s: too many search terms (at most %(limit)s)."),
            position=error.position,
            params={"limit": MAX_TERMS},
        )
    if not error.found:
        return QueryError(
            _("At character %(position)s: the query ends too early; expected %(expected)s."),
            position=error.position,
            params={"expected": expected},
        )
    return QueryError(
        _("At character %(position)s: expected %(expected)s, found “%(found)s”."),
        position=error.position,
        params={"expected": expected, "found": error.found},
    )


# --- Values -------------------------------------------------------------------------------------

_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(万)?$")
_COMPARE = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


def _number(term: Term, text: str) -> float:
    match = _NUMBER.match(text.strip())
    if match is None:
        raise QueryError(
            _("At character %(position)s: “%(value)s” is not a number."), position=term.value_position, params={"value": text}
        )
    return float(match.group(1)) * (10_000 if match.group(2) else 1)


def _date(term: Term, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(
            _("At character %(position)s: “%(value)s” is not a date (YYYY-MM-DD)."),
            position=term.value_position,
            params={"value": text},
        ) from None


def _no_comparison(term: Term, name: str) -> None:
    if term.op in _COMPARE:
        raise QueryError(
            _("At character %(position)s: “%(field)s” cannot be compared with “%(op)s”; write %(field)s:value."),
            position=term.position,
            params={"field": name, "op": term.op},
        )


def _ranged(term: Term, path: str, convert: Callable[[Term, str], Any]) -> Q:
    """``path`` compared as the term says: ``>=80``, ``:80``, ``:70..90`` (both ends included).

    A row without a value matches no comparison, and so ``NOT score>=80`` holds for it: the explicit
    ``isnull`` keeps SQL's unknown out of the negation."""
    known = Q(**{f"{path}__isnull": False})
    if term.op in _COMPARE:
        return known & Q(**{f"{path}__{_COMPARE[term.op]}": convert(term, term.value)})
    if ".." in term.value:
        low, high = term.value.split("..", 1)
        q = known
        if low.strip():
            q &= Q(**{f"{path}__gte": convert(term, low)})
        if high.strip():
            q &= Q(**{f"{path}__lte": convert(term, high)})
        return q
    return known & Q(**{path: convert(term, term.value)})


# --- Fields -------------------------------------------------------------------------------------


def _text(term: Term) -> Q:
    v = term.value
    return (
        Q(title__icontains=v)
        | Q(english_title__icontains=v)
        | Q(receipt_number__icontains=v)
        | Q(applicant__email__icontains=v)
        | Q(applicant__person__name__icontains=v)
        | Q(applicant__person__name_en__icontains=v)
    )


def _receipt(term: Term) -> Q:
    _no_comparison(term, "receipt")
    return Q(receipt_number__iexact=term.value) if term.op == "=" else Q(receipt_number__icontains=term.value)


def _title(term: Term) -> Q:
    _no_comparison(term, "title")
    return Q(title__icontains=term.value) | Q(english_title__icontains=term.value)


def _applicant(term: Term) -> Q:
    _no_comparison(term, "applicant")
    v = term.value
    return (
        Q(applicant__person__name__icontains=v)
        | Q(applicant__person__name_en__icontains=v)
        | Q(applicant__display_name__icontains=v)
        | Q(applicant__email__icontains=v)
    )


def _institution(term: Term) -> Q:
    _no_comparison(term, "institution")
    v = term.value
    partner = Partner.objects.filter(application=OuterRef("pk"), name__icontains=v)
    return (
        Q(**{"lead_organisation__name__zh-hans__icontains": v})
        | Q(**{"lead_organisation__name__en__icontains": v})
        | Q(Exists(partner))
    )


def _direction(term: Term) -> Q:
    _no_comparison(term, "direction")
    if term.value.endswith("*"):
        return Q(direction__code__istartswith=term.value[:-1])
    return Q(direction__code__iexact=term.value)


def _state(term: Term) -> Q:
    _no_comparison(term, "state")
    wanted = term.value.strip().lower()
    for state in ApplicationState:
        if wanted in (state.value, str(state.label).lower()):
            return Q(state=state.value)
    raise QueryError(
        _("At character %(position)s: “%(value)s” is not a state; use one of: %(choices)s."),
        position=term.value_position,
        params={"value": term.value, "choices": ", ".join(s.value for s in ApplicationState)},
    )


def _country(term: Term) -> Q:
    _no_comparison(term, "country")
    code = term.value.strip().upper()
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise QueryError(
            _("At character %(position)s: “%(value)s” is not a two-letter country code (such as CN or DE)."),
            position=term.value_position,
            params={"value": term.value},
        )
    return Q(lead_organisation__country=code) | Q(Exists(Partner.objects.filter(application=OuterRef("pk"), country=code)))


def _score(term: Term) -> Q:
    return _ranged(term, SCORE, _number)


def _requested(term: Term) -> Q:
    return _ranged(term, "requested_yuan", _number)


def _submitted(term: Term) -> Q:
    return _ranged(term, "submitted_at__date", _date)


def _rule_outcome(outcome: str) -> Q:
    # The results are kept as JSON; the encoded text holds each outcome as "outcome": "<value>", which
    # reads the same on SQLite and PostgreSQL and needs no JSON containment (SQLite has none).
    return Q(check_results_text__contains=f'"outcome": "{outcome}"')


FLAGS: dict[str, tuple[Promise, Callable[[], Q]]] = {
    "fail": (_("a typed rule failed at submission"), lambda: _rule_outcome("fail")),
    "warn": (_("a rule warned at submission"), lambda: _rule_outcome("warn")),
    "review": (_("a rule needs a person's judgement"), lambda: _rule_outcome("needs_review")),
    "foreign": (_("a foreign entry"), lambda: Q(foreign_entry=True)),
    "negative": (_("a serious negative event was declared"), lambda: Q(negative_event=True)),
    "breach": (
        _("a breach of an undertaking was recorded"),
        lambda: Q(Exists(ObligationBreach.objects.filter(application=OuterRef("pk")))),
    ),
    "returned": (
        _("returned once by the formal check"),
        lambda: Q(Exists(FormalCheckDecision.objects.filter(application=OuterRef("pk"), outcome=FormalCheckOutcome.RETURN))),
    ),
}


def _flag(term: Term) -> Q:
    _no_comparison(term, "flag")
    entry = FLAGS.get(term.value.strip().lower())
    if entry is None:
        raise QueryError(
            _("At character %(position)s: “%(value)s” is not a flag; use one of: %(choices)s."),
            position=term.value_position,
            params={"value": term.value, "choices": ", ".join(FLAGS)},
        )
    return entry[1]()


@dataclass(frozen=True)
class SearchField:
    name: str
    build: Callable[[Term], Q]
    help: Promise
    example: str
    aliases: tuple[str, ...] = ()


FIELDS: tuple[SearchField, ...] = (
    SearchField("receipt", _receipt, _("receipt number (part of it; receipt=… for the whole)"), "receipt:2026", ("no", "受理号")),
    SearchField("title", _title, _("project name, Chinese or English"), 'title:"大模型"', ("标题", "名称")),
    SearchField("applicant", _applicant, _("applicant's name or e-mail address"), "applicant:王", ("name", "申请人")),
    SearchField(
        "institution", _institution, _("lead organisation or a partner"), "institution:大学", ("org", "单位", "依托单位")
    ),
    SearchField(
        "direction", _direction, _("direction code; 2.* for every code starting with 2."), 'direction:"2.1"', ("dir", "方向")
    ),
    SearchField("state", _state, _("state of the application"), "state:submitted", ("status", "状态")),
    SearchField("country", _country, _("country of the lead organisation or a partner"), "country:DE", ("国家",)),
    SearchField("score", _score, _("mean of the submitted review totals"), "score>=80", ("评分", "分数")),
    SearchField("requested", _requested, _("requested grant in yuan (万 for ten thousand)"), "requested<=50万", ("经费",)),
    SearchField("submitted", _submitted, _("date of submission"), "submitted>=2026-03-01", ("提交",)),
    SearchField("flag", _flag, _("a mark on the application: %(flags)s"), "flag:fail", ("has", "标记")),
)
_BY_NAME = {name: f for f in FIELDS for name in (f.name, *f.aliases)}

SCORE = "search_score"


def _build(node: Node) -> Q:
    if isinstance(node, Term):
        if node.field is None:
            return _text(node)
        spec = _BY_NAME.get(node.field)
        if spec is None:
            raise QueryError(
                _("At character %(position)s: there is no field “%(field)s”; use one of: %(fields)s."),
                position=node.position,
                params={"field": node.field, "fields": ", ".join(f.name for f in FIELDS)},
            )
        return spec.build(node)
    if isinstance(node, Not):
        return ~_build(node.item)
    if isinstance(node, And):
        q = Q()
        for item in node.items:
            q &= _build(item)
        return q
    assert isinstance(node, Or)
    q = _build(node.items[0])
    for item in node.items[1:]:
        q |= _build(item)
    return q


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    tree: Node | None
    q: Q
    fields: frozenset[str]  # the canonical names of the fields the query names

    @property
    def names_state(self) -> bool:
        return "state" in self.fields


def parse_query(text: str) -> ParsedQuery:
    """The query checked and built, or a ``QueryError`` saying where and what is wrong."""
    try:
        tree = parse(text)
    except QuerySyntaxError as error:
        raise _syntax_error(error) from None
    q = _build(tree) if tree is not None else Q()
    names = frozenset(_BY_NAME[t.field].name for t in terms(tree) if t.field is not None)
    return ParsedQuery(text, tree, q, names)


def score_subquery() -> Subquery:
    """Mean total of an application's submitted reviews (every stage), None before the first."""
    reviews = (
        Review.objects.filter(assignment__application=OuterRef("pk"), state=ReviewState.SUBMITTED, total__isnull=False)
        .values("assignment__application")
        .annotate(mean=Avg("total"))
        .values("mean")[:1]
    )
    return Subquery(reviews, output_field=FloatField())


def with_search_columns(rows: QuerySet[Application]) -> QuerySet[Application]:
    """The annotations the fields filter on: the score and the rule results as text."""
    return rows.annotate(**{SCORE: score_subquery()}).alias(check_results_text=Cast("check_results", TextField()))


def search_applications(rows: QuerySet[Application], text: str) -> QuerySet[Application]:
    """``rows`` narrowed to those the query matches."""
    return with_search_columns(rows).filter(parse_query(text).q)


# --- The staff list ----------------------------------------------------------------------------

#: Sort keys of the list (``?sort=key`` or ``?sort=-key``) and what they order by.
SORTS: dict[str, tuple[str, ...]] = {
    "receipt": ("receipt_number",),
    "title": ("title",),
    "applicant": ("applicant__person__name",),
    "direction": ("direction__position", "direction__code"),
    "state": ("state",),
    "submitted": ("submitted_at",),
    "requested": ("requested_yuan",),
    "score": (SCORE,),
}
DEFAULT_SORT = "direction"


def sort_key(value: str | None) -> str:
    """A known sort key (with its leading ``-``), or the default."""
    value = (value or "").strip()
    return value if value.lstrip("-") in SORTS else DEFAULT_SORT


def staff_application_list(
    *, call: Call, query: str = "", state: str | None = None, direction: str | None = None, sort: str | None = None
) -> QuerySet[Application]:
    """A call's submitted applications as the staff list shows them.

    ``state`` narrows to one state (``all``: every state but drafts); without it, and unless the
    query names a state itself, the list holds those waiting for the formal check.  Raises
    ``QueryError`` for a query that cannot be run."""
    parsed = parse_query(query)
    rows = with_search_columns(
        Application.objects.filter(call=call)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("direction", "applicant__person", "lead_organisation")
    )
    if state and state != "all":
        rows = rows.filter(state=state)
    elif not state and not parsed.names_state:
        rows = rows.filter(state__in=QUEUE_STATES)
    if direction:
        rows = rows.filter(direction__code=direction)
    rows = rows.filter(parsed.q)
    key = sort_key(sort)
    descending = key.startswith("-")
    order = [F(path).desc(nulls_last=True) if descending else F(path).asc(nulls_last=True) for path in SORTS[key.lstrip("-")]]
    return rows.order_by(*order, "submitted_at", "pk")


def field_help() -> list[dict[str, str]]:
    """The fields for the help under the search box."""
    flags = ", ".join(FLAGS)
    return [
        {
            "name": f.name,
            "aliases": ", ".join(f.aliases),
            "help": str(f.help) % {"flags": flags} if "%(flags)s" in str(f.help) else str(f.help),
            "example": f.example,
        }
        for f in FIELDS
    ]
