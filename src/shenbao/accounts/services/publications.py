"""Importing a person's publication list; removing publications.  Bad files change nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import Person, Publication, User
from shenbao.accounts.publications import PublicationFileError, name_keys, parse_publications
from shenbao.core.audit import log_action
from shenbao.core.errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024

_MESSAGES = {
    "encoding": _("The file is neither UTF-8 nor GB18030 text; save it as UTF-8 and upload it again."),
    "empty": _("The file is empty."),
    "unknown_format": _("Upload a BibTeX (.bib), RIS (.ris) or CSV (.csv) file."),
    "no_entries": _("No publication was found in the file."),
    "too_many": _("The file holds %(entry)s publications; at most 5,000 can be imported at once."),
    "no_title": _("Entry %(entry)s has no title."),
    "title_too_long": _("The title of entry %(entry)s is longer than 500 characters."),
    "bad_year": _("Entry %(entry)s has a year that is not a year: “%(detail)s”."),
    "bibtex_syntax": _("The BibTeX file cannot be read near line %(entry)s (a brace or quote may be missing)."),
    "ris_syntax": _("The RIS file cannot be read: every record must start with “TY  - ” and end with “ER  - ”."),
    "csv_no_title_column": _("The CSV file needs a header row with a “title” (标题) column; “year” and “authors” are optional."),
    "csv_syntax": _("The CSV file cannot be read near line %(entry)s."),
    "too_large": _("The file is larger than 5 MB."),
}


class PublicationImportError(ValidationFailed):
    code = "publication_import_failed"

    def __init__(self, error: PublicationFileError) -> None:
        self.file_code = error.code
        super().__init__(
            _MESSAGES.get(error.code, _("The publication list cannot be read.")),
            params={"entry": error.entry or "?", "detail": error.detail},
        )


@dataclass(frozen=True)
class ImportOutcome:
    format: str
    read: int
    added: int
    already_there: int


def _own_name_keys(user: User) -> set[str]:
    person = Person.objects.filter(user=user).first()
    keys: set[str] = set()
    for name in (person.name if person else "", person.name_en if person else "", user.display_name):
        if name:
            keys |= name_keys(name)
    return keys


@transaction.atomic
def import_publications(*, user: User, data: bytes, filename: str, actor: User) -> ImportOutcome:
    """Add the publications of a BibTeX, RIS or CSV list to ``user``'s record.

    The list is read whole first: an unreadable file raises :class:`PublicationImportError` and
    leaves every publication already saved as it was.  A publication already on record (same
    title and year) is not added twice; the person's own name is not kept as a co-author."""
    if len(data) > MAX_BYTES:
        raise PublicationImportError(PublicationFileError("too_large"))
    try:
        fmt, parsed = parse_publications(data, filename=filename)
    except PublicationFileError as error:
        raise PublicationImportError(error) from error
    own = _own_name_keys(user)
    existing = {(t.casefold(), y) for t, y in Publication.objects.filter(user=user).values_list("title", "year")}
    new = []
    for p in parsed:
        key = (p.title.casefold(), p.year)
        if key in existing:
            continue
        existing.add(key)
        coauthors = [a for a in p.coauthors if not (name_keys(a) & own)]
        new.append(Publication(user=user, title=p.title, year=p.year, coauthors=coauthors, venue=p.venue, source_format=fmt))
    Publication.objects.bulk_create(new, batch_size=1000)
    log_action(
        action="shenbao.account.publications_imported",
        obj=user,
        actor=actor,
        data={"format": fmt, "read": len(parsed), "added": len(new), "file": filename[:200]},
    )
    return ImportOutcome(format=fmt, read=len(parsed), added=len(new), already_there=len(parsed) - len(new))


@transaction.atomic
def remove_publications(*, user: User, ids: list[int], actor: User) -> int:
    """Remove some of ``user``'s publications (another user's ids are ignored)."""
    mine = Publication.objects.filter(user=user, pk__in=ids)
    titles = list(mine.values_list("title", flat=True)[:50])
    count = mine.count()
    mine.delete()
    if count:
        log_action(action="shenbao.account.publications_removed", obj=user, actor=actor, data={"count": count, "titles": titles})
    return count
