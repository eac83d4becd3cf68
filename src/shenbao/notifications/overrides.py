"""Staff's own mail templates per program and per call: which text a mail uses, saving and resetting.

A mail of a call uses the call's override in the recipient's language, else the program's, else the
shipped default; a language an override leaves empty uses the next one.  Overrides are checked
(``sandbox.check_source``) when saved and rendered by the sandboxed engine; one that no longer
renders (a placeholder removed from the registry since) falls back to the default, so a mail always
goes out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.template import engines
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shenbao.core.audit import log_action
from shenbao.core.errors import ValidationFailed
from shenbao.core.queries.inline import column, json_array_sql, json_object_sql, rows_from_json, table
from shenbao.notifications.models import MailHold, MailTemplateOverride
from shenbao.notifications.registry import REGISTRY, MailTemplateSpec, spec_for
from shenbao.notifications.rendering import render
from shenbao.notifications.sandbox import check_source, render_source, resolve, starter_source

logger = logging.getLogger(__name__)

LANGUAGES = ("zh-hans", "en")
MAX_BODY = 20_000  # characters of one language's body: a mail, not a document
CHANGED = "shenbao.mail_template.changed"
RESET = "shenbao.mail_template.reset"


class MailTemplateInvalid(ValidationFailed):
    """The texts staff wrote do not check; ``errors`` maps a field (``subject_en``, ``body_zh-hans``,
    or ``__all__``) to its translated errors."""

    code = "mail_template_invalid"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(_("The template has errors; nothing was saved."))


class StaleVersion(ValidationFailed):
    code = "mail_template_stale"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    source: str  # "call", "program" or "default"


def _tidy(subject: str, body: str) -> tuple[str, str]:
    return " ".join(subject.split()), body.strip() + "\n"


def _scope_filter(call_id: int | None, program_id: int | None) -> Q | None:
    scopes = Q()
    if call_id is not None:
        scopes |= Q(call_id=call_id)
    if program_id is not None:
        scopes |= Q(program_id=program_id, call__isnull=True)
    return scopes if scopes else None


def find_override(key: str, language: str, *, call_id: int | None, program_id: int | None) -> MailTemplateOverride | None:
    """The override a mail of ``key`` in ``language`` uses: the call's, else the program's, else None."""
    spec = REGISTRY.get(key)
    if spec is None or spec.scope == "platform":
        return None
    scopes = _scope_filter(call_id if spec.scope == "call" else None, program_id)
    if scopes is None:
        return None
    rows = sorted(MailTemplateOverride.objects.filter(scopes, key=key), key=lambda row: row.call_id is None)
    return next((row for row in rows if (row.body.get(language) or "").strip()), None)


_OVERRIDE_AND_HOLD_SQL: dict[str, str] = {}


def _override_and_hold_statement() -> str:
    """Built once per database: the overrides of one template for a call or its program, as JSON, and
    whether a call's mail is held, in one statement (a mail sent in a deadline rush asks both)."""
    vendor = connection.vendor
    if vendor not in _OVERRIDE_AND_HOLD_SQL:
        q = connection.ops.quote_name
        o, h = MailTemplateOverride, MailHold

        def c(name: str) -> str:
            return f"c.{column(o, name, q)}"

        # ``= NULL`` matches nothing: no call (or no program) means no override of that scope.
        source = (
            f"FROM {table(o, q)} c WHERE {c('key')} = %s AND ({c('call')} = %s OR ({c('program')} = %s AND {c('call')} IS NULL))"
        )
        overrides = json_array_sql(vendor, json_object_sql(o, "c", vendor, q), source)
        held = f"SELECT COUNT(*) FROM {table(h, q)} h WHERE h.{column(h, 'call_code', q)} = %s"  # noqa: S608 - names from model metadata
        _OVERRIDE_AND_HOLD_SQL[vendor] = f"SELECT ({overrides}), ({held})"
    return _OVERRIDE_AND_HOLD_SQL[vendor]


def override_and_hold(
    key: str, language: str, *, call_id: int | None, program_id: int | None, call_code: str
) -> tuple[MailTemplateOverride | None, bool]:
    """``find_override`` and whether the mail of the call ``call_code`` is held, read in one statement."""
    spec = REGISTRY.get(key)
    scoped = spec is not None and spec.scope != "platform"
    call_scope = call_id if scoped and spec is not None and spec.scope == "call" else None
    program_scope = program_id if scoped else None
    if call_scope is None and program_scope is None and not call_code:
        return None, False
    with connection.cursor() as cursor:
        cursor.execute(_override_and_hold_statement(), [key, call_scope, program_scope, call_code or None])
        text, held = cursor.fetchone()
    rows = sorted(rows_from_json(MailTemplateOverride, text), key=lambda row: row.call_id is None)
    return next((row for row in rows if (row.body.get(language) or "").strip()), None), bool(held)


def render_override(row: MailTemplateOverride, language: str, context: dict[str, Any]) -> tuple[str, str]:
    data = resolve(row.key, context, language)
    return _tidy(render_source(row.subject[language], data, language), render_source(row.body[language], data, language))


def render_mail(
    key: str, language: str, context: dict[str, Any], *, call_id: int | None = None, program_id: int | None = None
) -> Rendered:
    """(subject, body) of the mail ``key`` in ``language``, from the override that applies or the default."""
    return render_with(key, language, context, find_override(key, language, call_id=call_id, program_id=program_id))


def render_with(key: str, language: str, context: dict[str, Any], row: MailTemplateOverride | None) -> Rendered:
    """(subject, body) of the mail ``key`` in ``language`` from the override ``row`` (as ``find_override``
    gives it), or the default when there is none or it no longer renders."""
    if row is not None:
        try:
            subject, body = render_override(row, language, context)
        except Exception:  # a stored override that no longer renders must not stop the mail
            logger.exception("mail template override %s of %s could not be rendered; the default is used", row.pk, key)
        else:
            return Rendered(subject, body, "call" if row.call_id else "program")
    subject, body = render(key, language, context)
    return Rendered(subject, body, "default")


def default_sources(key: str, language: str) -> tuple[str, str]:
    """The shipped default of ``key`` written as override text in ``language``: the editor's start."""
    engine = engines["text"]
    subject = starter_source(engine.get_template(f"notifications/{key}_subject.txt"), language)
    body = starter_source(engine.get_template(f"notifications/{key}_body.txt"), language)
    return subject.strip(), body.strip() + "\n"


def overrides_of(*, call: Any = None, program: Any = None) -> dict[str, MailTemplateOverride]:
    rows = MailTemplateOverride.objects.select_related("updated_by")
    rows = rows.filter(call=call) if call is not None else rows.filter(program=program, call__isnull=True)
    return {row.key: row for row in rows}


def _check_scope(spec: MailTemplateSpec, call: Any, program: Any) -> None:
    if (call is None) == (program is None):
        raise ValueError("an override belongs to either a call or a program")
    if spec.scope == "platform" or (call is not None and spec.scope != "call"):
        raise ValidationFailed(_("This mail cannot be changed here."))


def validate_texts(key: str, subject: dict[str, str], body: dict[str, str]) -> dict[str, list[str]]:
    """The errors of the texts, by field; an empty language (no subject, no body) uses the default."""
    errors: dict[str, list[str]] = {}
    written = 0
    for language in LANGUAGES:
        s, b = (subject.get(language) or "").strip(), (body.get(language) or "").strip()
        if not s and not b:
            continue
        written += 1
        if not s:
            errors.setdefault(f"subject_{language}", []).append(
                str(_("Give a subject, or leave both fields empty to use the default."))
            )
        if not b:
            errors.setdefault(f"body_{language}", []).append(
                str(_("Give a body, or leave both fields empty to use the default."))
            )
        for name, text in ((f"subject_{language}", s), (f"body_{language}", b)):
            if text:
                errors.setdefault(name, []).extend(check_source(key, text))
        if len(s) > 300:
            errors.setdefault(f"subject_{language}", []).append(str(_("The subject is longer than 300 characters.")))
        if len(b) > MAX_BODY:
            errors.setdefault(f"body_{language}", []).append(
                str(_("The body is longer than %(limit)d characters.") % {"limit": MAX_BODY})
            )
    if not written:
        errors["__all__"] = [str(_("Write the mail in at least one language, or reset it to the default."))]
    return {name: found for name, found in errors.items() if found}


@transaction.atomic
def save_override(
    *,
    key: str,
    subject: dict[str, str],
    body: dict[str, str],
    actor: Any,
    call: Any = None,
    program: Any = None,
    expected_version: int | None = None,
) -> MailTemplateOverride:
    """Save staff's text of ``key`` for ``call`` or ``program`` (checked first; nothing is saved on an
    error).  ``expected_version`` is the version the editor started from: a change by someone else
    since is refused rather than overwritten."""
    spec = spec_for(key)
    _check_scope(spec, call, program)
    errors = validate_texts(key, subject, body)
    if errors:
        raise MailTemplateInvalid(errors)
    texts_subject = {lang: " ".join(subject[lang].split()) for lang in LANGUAGES if (body.get(lang) or "").strip()}
    texts_body = {lang: body[lang].strip() + "\n" for lang in texts_subject}
    scope = {"call": call} if call is not None else {"program": program, "call": None}
    row = MailTemplateOverride.objects.select_for_update().filter(key=key, **scope).first()
    current = row.version if row is not None else 0
    if expected_version is not None and expected_version != current:
        raise StaleVersion(
            _("Someone else changed this mail meanwhile (now version %(version)d); your text was not saved."),
            params={"version": current},
        )
    if row is not None and row.subject == texts_subject and row.body == texts_body:
        return row
    before = {"subject": row.subject, "body": row.body} if row is not None else None
    if row is None:
        row = MailTemplateOverride(key=key, **scope)
    else:
        row.version += 1
    row.subject, row.body, row.updated_by = texts_subject, texts_body, actor
    row.save()
    owner = call if call is not None else program
    log_action(action=CHANGED, obj=owner, actor=actor, data={"template": key, "version": row.version, "before": before})
    return row


@transaction.atomic
def reset_override(*, key: str, actor: Any, call: Any = None, program: Any = None) -> bool:
    """Remove staff's text of ``key`` for ``call`` or ``program``: the next mail uses the next level."""
    spec = spec_for(key)
    _check_scope(spec, call, program)
    scope = {"call": call} if call is not None else {"program": program, "call": None}
    row = MailTemplateOverride.objects.select_for_update().filter(key=key, **scope).first()
    if row is None:
        return False
    owner = call if call is not None else program
    before = {"subject": row.subject, "body": row.body, "version": row.version}
    row.delete()
    log_action(action=RESET, obj=owner, actor=actor, data={"template": key, "before": before})
    return True


def preview(
    key: str,
    language: str,
    context: dict[str, Any],
    *,
    subject: str | None = None,
    body: str | None = None,
    call_id: int | None = None,
    program_id: int | None = None,
) -> Rendered:
    """What the mail looks like: with the given (unsaved) texts, or as it would be sent now."""
    if subject and body:
        data = resolve(key, context, language)
        with translation.override(language):
            return Rendered(*_tidy(render_source(subject, data, language), render_source(body, data, language)), "draft")
    return render_mail(key, language, context, call_id=call_id, program_id=program_id)
