"""The placeholders staff may write in a bulk mail: a small, fixed set, filled by plain substitution.

Staff text is never rendered as a Django template (it could reach any attribute of the context);
``{{ name }}`` with a known name is replaced by its value, and anything else that looks like a
template tag is refused, so what the recipient reads is exactly what staff wrote.  No Django here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Every placeholder, in the order the compose page lists them.
PLACEHOLDERS: tuple[str, ...] = ("recipient_name", "application_title", "receipt_number", "call_title", "link")
#: The ones that name an application: a mail to reviewers has none.
APPLICATION_PLACEHOLDERS = frozenset({"application_title", "receipt_number"})

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.|:\"' -]*?)\s*\}\}")
_TAG = re.compile(r"\{%|%\}|\{\{|\}\}|\{#|#\}")


@dataclass(frozen=True)
class PlaceholderProblem:
    """``code``: ``unknown`` (a name not in the set), ``not_here`` (an application placeholder in a
    mail without applications) or ``tag`` (template syntax that is not a placeholder)."""

    code: str
    name: str


def problems(text: str, *, allowed: frozenset[str] | None = None) -> list[PlaceholderProblem]:
    """What is wrong with the placeholders of ``text`` (empty when it may be sent)."""
    allowed = frozenset(PLACEHOLDERS) if allowed is None else allowed
    found: list[PlaceholderProblem] = []
    for match in _PLACEHOLDER.finditer(text):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            found.append(PlaceholderProblem("unknown", name))
        elif name not in allowed:
            found.append(PlaceholderProblem("not_here", name))
    rest = _PLACEHOLDER.sub("", text)
    tag = _TAG.search(rest)
    if tag is not None:
        found.append(PlaceholderProblem("tag", tag.group(0)))
    return found


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder replaced by its value (missing values are empty)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), "") if m.group(1) in PLACEHOLDERS else m.group(0), text)
