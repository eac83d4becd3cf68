"""Bounds on structured input before and after it is parsed (pure: no Django).

Two hostile shapes break parsers that are otherwise safe: nesting deep enough to exhaust a
recursive constructor (libyaml's composer segfaults near 30,000 levels; ``json`` raises
RecursionError) and text that is not valid Unicode (a lone UTF-16 surrogate decodes from a JSON
``\\ud800`` escape, is stored by SQLite, and then breaks every page, export and backup that reads
it).  Callers check here and turn a ``LimitExceeded`` into their own translated error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

#: No definition, draft or API body of ours comes near this; the crash comes at ~30,000.
MAX_DEPTH = 64
#: A call definition of 19 directions is ~60 KB; a guide draft of a very long guide a few MB.
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024

_SURROGATE = re.compile("[\ud800-\udfff]")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LimitExceeded(ValueError):
    """``code`` is one of "too_large", "too_deep", "invalid_text"; ``context`` names the numbers."""

    def __init__(self, code: str, **context: Any) -> None:
        super().__init__(f"{code}: {context}")
        self.code = code
        self.context = context


def check_text(text: str, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """Refuse text that is too long or that holds a lone surrogate (not encodable as UTF-8)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise LimitExceeded("too_large", size_mb=round(size / 1024 / 1024, 1), max_mb=round(max_bytes / 1024 / 1024, 1))
    match = _SURROGATE.search(text)
    if match is not None:
        raise LimitExceeded("invalid_text", position=match.start())


def check_yaml_depth(text: str, *, max_depth: int = MAX_DEPTH) -> None:
    """Walk the YAML event stream (libyaml's parser keeps a stack, it does not recurse) and refuse
    nesting deeper than ``max_depth`` before any constructor sees the document.  Syntax errors
    are left for the real load to report with their line."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > max_depth:
                    mark = event.start_mark
                    raise LimitExceeded("too_deep", max_depth=max_depth, line=mark.line + 1 if mark else None)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return


def check_data(data: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse parsed data nested deeper than ``max_depth`` or holding invalid text in a key or value
    (iterative, so the check itself cannot exhaust the stack)."""
    for value, depth in _walk(data):
        if depth > max_depth:
            raise LimitExceeded("too_deep", max_depth=max_depth, line=None)
        if isinstance(value, str) and _SURROGATE.search(value):
            raise LimitExceeded("invalid_text", position=None)


def _walk(data: Any) -> Iterator[tuple[Any, int]]:
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        yield value, depth
        if isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, depth + 1))
                stack.append((item, depth + 1))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, depth + 1) for item in value)
