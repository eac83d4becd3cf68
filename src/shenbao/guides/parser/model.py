"""The result of an extraction: draft definition data, with spans, confidences and warnings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_HAN = "\u3400-\u9fff"
_PUNCT = "，。；：、（）“”《》【】"
_TIDY = re.compile(rf"(?<=[{_HAN}{_PUNCT}0-9])\s+(?=[{_HAN}{_PUNCT}])|(?<=[{_HAN}{_PUNCT}])\s+(?=[0-9])")


def tidy(text: str) -> str:
    """Drop layout spaces next to Chinese characters ("启动 2024 年" → "启动2024年"); keep them
    between Chinese and Latin words ("年度卓越 AI 技术服务商")."""
    return _TIDY.sub("", " ".join(text.split()))


@dataclass(frozen=True)
class Span:
    """Where a value came from: ``path`` in the definition, [start, end) in the normalised text."""

    path: str
    start: int
    end: int
    confidence: float
    note: str = ""


@dataclass(frozen=True)
class Warning:
    """Something a person must look at; ``code`` selects a translated sentence."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion:
    """A name the importer saw in a numbered run but did not take as a direction; staff may add it.
    [start, end) in the normalised text."""

    title: str
    start: int
    end: int


@dataclass
class Line:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Collector:
    spans: list[Span] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    def span(self, path: str, start: int, end: int, confidence: float, note: str = "") -> None:
        self.spans.append(Span(path, start, end, round(confidence, 2), note))

    def warn(self, code: str, **params: Any) -> None:
        warning = Warning(code, params)
        if warning not in self.warnings:  # one sentence per thing to check, however many readers saw it
            self.warnings.append(warning)
