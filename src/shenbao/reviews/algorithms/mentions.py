"""Who a comment mentions (@name or @e-mail), among the people who may read it.  Plain data in and
out: no Django.

Chinese names have no spaces around them (``@张三请看``), so a mention is the longest known name or
address right after an ``@``; a longer name wins over a shorter one it starts with (``@张三丰`` is
not ``@张三``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


def find_mentions(text: str, people: Iterable[Person]) -> list[int]:
    """The ids of ``people`` mentioned in ``text``, in the order of their first mention."""
    tokens: list[tuple[str, int]] = []
    for person in people:
        for token in (person.name.strip(), person.email.strip()):
            if token:
                tokens.append((token.casefold(), person.id))
    tokens.sort(key=lambda t: -len(t[0]))
    folded = text.casefold()
    found: list[int] = []
    at = folded.find("@")
    while at != -1:
        rest = folded[at + 1 :]
        for token, person_id in tokens:
            if rest.startswith(token) and not _continues_word(rest, len(token), token):
                if person_id not in found:
                    found.append(person_id)
                break
        at = folded.find("@", at + 1)
    return found


def _continues_word(rest: str, end: int, token: str) -> bool:
    """An ASCII name or address followed by more ASCII letters or digits is another word (``@li`` in
    ``@lisa``); a Chinese name may be followed by anything."""
    if end >= len(rest) or not token[-1].isascii():
        return False
    following = rest[end]
    return following.isascii() and (following.isalnum() or following in "._-")
