"""Bulk mail: staff write one mail (subject and body in each language) to the people of a list.

The list is read by the caller (``reviews.queries.mail_recipients``: the applicants of a filtered
staff list, the reviewers with overdue reviews of a stage, the applications of a stage) and given
here as ``Recipient`` rows; this module checks the text, shows it for one recipient, counts, and
stores one mail per recipient in the outbox in the recipient's language (held when the call's mail
is held), each with the in-app notification ``notify`` would make.  A form token makes the send
idempotent: the same form sent twice creates the mails once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from shenbao.core.audit import log_action
from shenbao.core.errors import DomainError
from shenbao.notifications.enums import BulkAudience
from shenbao.notifications.mail import store_message
from shenbao.notifications.models import BulkMail, MailHold
from shenbao.notifications.placeholders import APPLICATION_PLACEHOLDERS, PLACEHOLDERS, fill, problems
from shenbao.notifications.rendering import absolute

LANGUAGES = ("zh-hans", "en")
SUBJECT_MAX = 300
BODY_MAX = 20_000


@dataclass(frozen=True)
class Recipient:
    """One mail of a bulk send: to whom, in which language, about which object, and the values of
    the placeholders (``link`` a path on this site)."""

    email: str
    name: str
    language: str
    values: dict[str, str] = field(default_factory=dict)
    link: str = ""
    related: models.Model | None = None
    user: Any = None

    @property
    def key(self) -> tuple[str, str]:
        """Two rows with the same key are one mail: the same address about the same object."""
        related = f"{type(self.related).__name__}:{self.related.pk}" if self.related is not None else ""
        return self.email.strip().lower(), related


def deduplicate(rows: Sequence[Recipient]) -> list[Recipient]:
    """The rows without repeats (the applicant who is also a team member gets one mail per
    application), in their first order."""
    seen: set[tuple[str, str]] = set()
    out = []
    for row in rows:
        if row.email and row.key not in seen:
            seen.add(row.key)
            out.append(row)
    return out


def distinct_people(rows: Sequence[Recipient]) -> int:
    return len({row.email.strip().lower() for row in rows if row.email})


@dataclass(frozen=True)
class BulkText:
    """Subject and body per language (``zh-hans``, ``en``); a language left empty falls back to the other."""

    texts: dict[str, dict[str, str]]

    @classmethod
    def of(cls, **parts: str) -> BulkText:
        """From ``subject_en``, ``body_en``, ``subject_zh_hans``, ``body_zh_hans``."""
        return cls(
            {
                lang: {
                    "subject": " ".join(parts.get(f"subject_{lang.replace('-', '_')}", "").split()),
                    "body": parts.get(f"body_{lang.replace('-', '_')}", "").strip(),
                }
                for lang in LANGUAGES
            }
        )

    def written(self) -> list[str]:
        return [lang for lang in LANGUAGES if self.texts[lang]["subject"] or self.texts[lang]["body"]]

    def for_language(self, language: str) -> dict[str, str]:
        if language in self.written():
            return self.texts[language]
        return self.texts[self.written()[0]]


_PROBLEM_MESSAGES = {
    "unknown": _("“%(name)s” is not a placeholder; use one of: %(names)s."),
    "not_here": _("“%(name)s” names an application, and these mails are not about one."),
    "tag": _("“%(name)s” is template syntax; write placeholders as {{ recipient_name }}."),
}


def check_text(text: BulkText, *, audience: str) -> None:
    """Raise a ``DomainError`` naming the first thing that stops the text being sent."""
    written = text.written()
    if not written:
        raise DomainError(_("Write the subject and the body in at least one language."))
    for lang in written:
        part = text.texts[lang]
        if not part["subject"] or not part["body"]:
            raise DomainError(_("The mail in %(language)s needs a subject and a body."), params={"language": _language(lang)})
        if len(part["subject"]) > SUBJECT_MAX:
            raise DomainError(_("The subject is longer than 300 characters."))
        if len(part["body"]) > BODY_MAX:
            raise DomainError(_("The body is longer than %(limit)s characters."), params={"limit": BODY_MAX})
        allowed = frozenset(PLACEHOLDERS) - (APPLICATION_PLACEHOLDERS if audience == BulkAudience.REVIEWERS else frozenset())
        for piece in (part["subject"], part["body"]):
            for problem in problems(piece, allowed=allowed):
                raise DomainError(
                    _PROBLEM_MESSAGES[problem.code], params={"name": problem.name, "names": ", ".join(sorted(allowed))}
                )


def _language(code: str) -> str:
    return "English" if code == "en" else "简体中文"


def render_for(text: BulkText, recipient: Recipient) -> tuple[str, str]:
    """(subject, body) as ``recipient`` reads them: their language (or the one written), the
    placeholders filled, the link absolute."""
    part = text.for_language(recipient.language)
    values = {**recipient.values, "recipient_name": recipient.name, "link": absolute(recipient.link) if recipient.link else ""}
    subject = " ".join(fill(part["subject"], values).split())[:SUBJECT_MAX]
    return subject, fill(part["body"], values).strip() + "\n"


def send_bulk_mail(
    *,
    token: str,
    call_code: str,
    audience: str,
    source: dict[str, Any],
    text: BulkText,
    recipients: Sequence[Recipient],
    actor: Any,
    call: models.Model | None = None,
) -> tuple[BulkMail, bool]:
    """Store one mail per recipient in the call's outbox; returns (the bulk mail, whether it was
    created now).  The same ``token`` again returns the mail already sent and stores nothing.
    The audit entry is filed on ``call`` when given (so the call's audit log shows it), else on the
    bulk mail."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        raise DomainError(_("This form has expired; open the mail page again."))
    existing = BulkMail.objects.filter(token=token).first()
    if existing is not None:
        return existing, False
    if audience not in BulkAudience.values:
        raise DomainError(_("Choose who receives the mail."))
    check_text(text, audience=audience)
    rows = deduplicate(recipients)
    if not rows:
        raise DomainError(_("Nobody on this list can be mailed."))
    try:
        with transaction.atomic():
            bulk = BulkMail.objects.create(
                token=token,
                call_code=call_code,
                audience=audience,
                source=source,
                texts=text.texts,
                recipient_count=distinct_people(rows),
                message_count=len(rows),
                sent_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            held = bool(call_code) and MailHold.objects.filter(call_code=call_code).exists()
            for row in rows:
                subject, body = render_for(text, row)
                store_message(
                    to=row.email,
                    language=row.language,
                    template="bulk",
                    subject=subject,
                    body=body,
                    call_code=call_code,
                    related=row.related,
                    link=row.link,
                    held=held,
                    bulk=bulk,
                    user=row.user,
                )
            log_action(
                action="shenbao.mail.bulk_sent",
                obj=call if call is not None else bulk,
                actor=actor,
                data={
                    "bulk": bulk.pk,
                    "call": call_code,
                    "audience": audience,
                    "source": source,
                    "recipients": bulk.recipient_count,
                    "mails": bulk.message_count,
                    "held": held,
                    "subject": {lang: text.texts[lang]["subject"] for lang in text.written()},
                },
            )
    except IntegrityError:
        # The same form sent twice at once: the other request stored the mails.
        existing = BulkMail.objects.filter(token=token).first()
        if existing is None:
            raise
        return existing, False
    return bulk, True
