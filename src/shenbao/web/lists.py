"""What every staff list shares: paging and sort links that keep the other filters of the URL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from shenbao.web.common import int_param

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


def with_params(query: QueryDict, **changes: Any) -> str:
    """The query string with ``changes`` applied (None removes a parameter), as ``?a=1&b=2`` or ''."""
    params = query.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: Any
    url: str
    current: str  # "ascending", "descending" or "" (for aria-sort: "none")

    @property
    def aria_sort(self) -> str:
        return self.current or "none"


def sort_columns(request: HttpRequest, current: str, labels: dict[str, Any]) -> dict[str, SortColumn]:
    """A link per sortable column: to sort by it, or to reverse it when it is the current order."""
    columns = {}
    for key, label in labels.items():
        if current == key:
            state, target = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, target = "descending", key
        else:
            state, target = "", key
        columns[key] = SortColumn(key, label, with_params(request.GET, sort=target, page=None), state)
    return columns


@dataclass(frozen=True)
class Paging:
    page: Page[Any]
    per: int
    previous_url: str
    next_url: str
    sizes: tuple[int, ...] = PAGE_SIZES


def paginate(request: HttpRequest, rows: QuerySet[Any] | Sequence[Any]) -> Paging:
    """One page of ``rows`` (``?page=``, ``?per=``): a count and a slice, two queries however many rows
    (or a slice of a list already in memory, such as a computed ranking)."""
    per = int_param(request.GET.get("per")) or DEFAULT_PAGE_SIZE
    per = per if per in PAGE_SIZES else DEFAULT_PAGE_SIZE
    paginator = Paginator(rows, per)
    page = paginator.get_page(int_param(request.GET.get("page")) or 1)
    previous_url = with_params(request.GET, page=page.previous_page_number()) if page.has_previous() else ""
    next_url = with_params(request.GET, page=page.next_page_number()) if page.has_next() else ""
    return Paging(page, per, previous_url, next_url)
