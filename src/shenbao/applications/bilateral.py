"""Match our applications with the partner agency's list (bilateral calls, seed 003). Pure."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

MATCH_FIELDS = ("english_title", "title", "field", "partner_organisations", "pi", "duration", "lead_organisation")


@dataclass(frozen=True)
class OurSide:
    key: int  # the application's id
    english_title: str
    fields: tuple[str, ...]
    partner_organisations: tuple[str, ...]
    pi_names: tuple[str, ...]  # the PI's name in every form we know (中文, English)
    duration_months: int | None
    title: str = ""
    lead_organisation: tuple[str, ...] = ()  # the lead organisation's names (中文, English)


@dataclass(frozen=True)
class TheirSide:
    row: int
    reference: str
    english_title: str
    field: str
    partner_organisation: str  # the partner's own organisation, as their agency lists it
    pi: str  # the Chinese PI as named in the partner's submission
    duration_months: int | None
    title: str = ""  # the project name in the partner's submission, where it gives one
    lead_organisation: str = ""


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


def _differences(our: OurSide, their: TheirSide) -> dict[str, tuple[str, str]]:
    """What the partner's row says differently; a value the partner did not give is not compared."""
    details: dict[str, tuple[str, str]] = {}
    if normalise(our.english_title) != normalise(their.english_title):
        details["english_title"] = (our.english_title, their.english_title)
    if their.title and normalise(their.title) != normalise(our.title):
        details["title"] = (our.title, their.title)
    if their.field and normalise(their.field) not in {normalise(f) for f in our.fields}:
        details["field"] = (", ".join(our.fields), their.field)
    if their.partner_organisation and normalise(their.partner_organisation) not in {
        normalise(o) for o in our.partner_organisations
    }:
        details["partner_organisations"] = (", ".join(our.partner_organisations), their.partner_organisation)
    if their.pi and normalise(their.pi) not in {normalise(n) for n in our.pi_names if n}:
        details["pi"] = (" / ".join(n for n in our.pi_names if n), their.pi)
    if their.duration_months is not None and their.duration_months != our.duration_months:
        details["duration"] = (str(our.duration_months or ""), str(their.duration_months))
    if their.lead_organisation and normalise(their.lead_organisation) not in {normalise(n) for n in our.lead_organisation if n}:
        details["lead_organisation"] = (" / ".join(our.lead_organisation), their.lead_organisation)
    return details


def match_submissions(
    ours: list[OurSide], theirs: list[TheirSide], *, threshold: float = 0.85
) -> tuple[list[Match], list[TheirSide]]:
    """Pair each application with the partner row of the same English title, or failing that the
    most similar unclaimed one; exact pairs are made first, so a near match never takes a row that
    another application matches exactly.  Returns the matches and the rows nobody claimed."""
    unclaimed = {t.row: t for t in theirs}
    paired: dict[int, TheirSide] = {}
    by_title: dict[str, list[TheirSide]] = {}
    for t in theirs:
        by_title.setdefault(normalise(t.english_title), []).append(t)
    for our in ours:
        candidates = [t for t in by_title.get(normalise(our.english_title), []) if t.row in unclaimed]
        if candidates:
            paired[our.key] = candidates[0]
            del unclaimed[candidates[0].row]
    scored = sorted(
        (
            (_similar(our.english_title, t.english_title), our.key, t.row)
            for our in ours
            if our.key not in paired
            for t in unclaimed.values()
        ),
        reverse=True,
    )
    for score, key, row in scored:
        if score < threshold:
            break
        if key not in paired and row in unclaimed:
            paired[key] = unclaimed.pop(row)
    matches: list[Match] = []
    for our in ours:
        their = paired.get(our.key)
        if their is None:
            matches.append(Match(our.key, None))
            continue
        details = _differences(our, their)
        matches.append(Match(our.key, their, tuple(f for f in MATCH_FIELDS if f in details), details))
    return matches, sorted(unclaimed.values(), key=lambda t: t.row)
