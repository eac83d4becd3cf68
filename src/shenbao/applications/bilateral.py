"""Match our applications with the partner agency's list (bilateral calls, seed 003). Pure."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

MATCH_FIELDS = ("english_title", "field", "partner_organisations", "pi", "duration")


@dataclass(frozen=True)
class OurSide:
    key: int  # the application's id
    english_title: str
    fields: tuple[str, ...]
    partner_organisations: tuple[str, ...]
    pi_names: tuple[str, ...]  # the PI's name in every form we know (中文, English)
    duration_months: int | None


@dataclass(frozen=True)
class TheirSide:
    row: int
    reference: str
    english_title: str
    field: str
    partner_organisation: str  # the partner's own organisation, as their agency lists it
    pi: str  # the Chinese PI as named in the partner's submission
    duration_months: int | None


@dataclass(frozen=True)
class Match:
    application: int
    counterpart: TheirSide | None
    mismatches: tuple[str, ...] = ()
    details: dict[str, tuple[str, str]] = field(default_factory=dict)


def normalise(text: str) -> str:
    """Case-, width- and punctuation-insensitive form for comparing names across agencies."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, normalise(a), normalise(b)).ratio()


def match_submissions(
    ours: list[OurSide], theirs: list[TheirSide], *, threshold: float = 0.85
) -> tuple[list[Match], list[TheirSide]]:
    """Pair each application with the partner row of the same (or nearly the same) English title,
    then list what differs.  Returns the matches and the partner rows nobody claimed."""
    unclaimed = {t.row: t for t in theirs}
    exact = {normalise(t.english_title): t for t in theirs}
    matches: list[Match] = []
    for our in ours:
        candidate = exact.get(normalise(our.english_title))
        if candidate is None or candidate.row not in unclaimed:
            scored = sorted(((_similar(our.english_title, t.english_title), t.row) for t in unclaimed.values()), reverse=True)
            candidate = unclaimed[scored[0][1]] if scored and scored[0][0] >= threshold else None
        if candidate is None:
            matches.append(Match(our.key, None))
            continue
        del unclaimed[candidate.row]
        details: dict[str, tuple[str, str]] = {}
        if normalise(our.english_title) != normalise(candidate.english_title):
            details["english_title"] = (our.english_title, candidate.english_title)
        if candidate.field and normalise(candidate.field) not in {normalise(f) for f in our.fields}:
            details["field"] = (", ".join(our.fields), candidate.field)
        if normalise(candidate.partner_organisation) not in {normalise(o) for o in our.partner_organisations}:
            details["partner_organisations"] = (", ".join(our.partner_organisations), candidate.partner_organisation)
        if normalise(candidate.pi) not in {normalise(n) for n in our.pi_names if n}:
            details["pi"] = (" / ".join(n for n in our.pi_names if n), candidate.pi)
        if candidate.duration_months != our.duration_months:
            details["duration"] = (str(our.duration_months or ""), str(candidate.duration_months or ""))
        matches.append(Match(our.key, candidate, tuple(f for f in MATCH_FIELDS if f in details), details))
    return matches, sorted(unclaimed.values(), key=lambda t: t.row)
