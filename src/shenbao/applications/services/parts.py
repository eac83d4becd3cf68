"""Partners and attachments of a draft; uploads are checked by content and size before anything is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import IO, Any
from urllib.parse import urlparse

from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.errors import FileRefused, NotEditable, PartnerListed
from shenbao.applications.files import sniff
from shenbao.applications.models import Application, ApplicationRevision, Attachment, Partner
from shenbao.applications.transitions import EDITABLE_STATES
from shenbao.calls.definition.schema import DocumentType, FieldType, FileFormat, FormField, RequiredDocument
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.core.countries import is_country_code


def _editable(application: Application) -> None:
    if application.state not in EDITABLE_STATES:
        raise NotEditable()


def add_partner(*, application: Application, actor: User, **fields: Any) -> Partner:
    partner, _created = add_partner_once(application=application, actor=actor, **fields)
    return partner


@transaction.atomic
def add_partner_once(*, application: Application, actor: User, **fields: Any) -> tuple[Partner, bool]:
    """Add a partner; the same partner again (a retry) returns the first one.  The same organisation
    with other details is refused: edit it instead.  Returns the partner and whether it was created now."""
    _editable(application)
    if not is_country_code(str(fields.get("country", ""))):
        raise ValueError("unknown country")
    Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).first()
    for existing in application.partners.filter(country=fields.get("country"), side=fields.get("side")):
        if existing.name.strip().casefold() != str(fields.get("name", "")).strip().casefold():
            continue
        if all(getattr(existing, name) == value for name, value in fields.items()):
            return existing, False
        raise PartnerListed(name=existing.name)
    partner = Partner.objects.create(application=application, **fields)
    log_action(action="shenbao.application.partner_added", obj=application, actor=actor, data={"name": partner.name})
    return partner, True


#: What a partner's edit may change (the application it belongs to never changes).
PARTNER_FIELDS = (
    "side",
    "name",
    "type",
    "country",
    "legal_person",
    "registered_on",
    "matching_funds_yuan",
    "networks",
    "affiliation_valid_until",
    "external_affiliation",
)


@transaction.atomic
def update_partner(*, partner: Partner, actor: User, **fields: Any) -> Partner:
    """Change a draft's partner; the audit entry names the fields that changed, old and new."""
    _editable(partner.application)
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise ValueError(f"not a partner field: {sorted(unknown)}")
    if "country" in fields and not is_country_code(str(fields["country"])):
        raise ValueError("unknown country")
    changed = {
        name: [_plain(getattr(partner, name)), _plain(value)] for name, value in fields.items() if getattr(partner, name) != value
    }
    if not changed:
        return partner
    for name in changed:
        setattr(partner, name, fields[name])
    partner.save(update_fields=list(changed))
    log_action(
        action="shenbao.application.partner_changed",
        obj=partner.application,
        actor=actor,
        data={"name": partner.name, "changed": changed},
    )
    return partner


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic
def remove_partner(*, partner: Partner, actor: User) -> None:
    _editable(partner.application)
    log_action(action="shenbao.application.partner_removed", obj=partner.application, actor=actor, data={"name": partner.name})
    partner.delete()


def _document(application: Application, code: str) -> RequiredDocument:
    """The required document, or the form's file field, that uploads under ``code`` go to.

    A file field is taken as a document with the field's formats and size limit, so both are
    checked, kept and frozen into revisions alike."""
    definition = current_definition(application.call)
    for doc in definition.required_documents:
        if doc.code == code:
            return doc
    for field in definition.form:
        if field.code == code and field.type == FieldType.FILE:
            return file_field_document(field)
    raise FileRefused(_("This call asks for no document “%(code)s”."), params={"code": code})


def file_field_document(field: FormField) -> RequiredDocument:
    """A file field's upload limits, as the required document its uploads are checked against."""
    return RequiredDocument(
        code=field.code,
        name=field.label,
        type=DocumentType.OTHER,
        required=field.required,
        directions=field.directions,
        formats=field.formats or [FileFormat.PDF],
        max_size_mb=field.max_size_mb or 20,
    )


def attach_file(
    *,
    application: Application,
    document_code: str,
    name: str,
    stream: IO[bytes],
    size: int,
    actor: User,
    signed_on: dt.date | None = None,
    key: str = "",
) -> Attachment:
    """Keep the file only if its content is an allowed format within the size limit."""
    attachment, _created = attach_file_once(
        application=application,
        document_code=document_code,
        name=name,
        stream=stream,
        size=size,
        actor=actor,
        signed_on=signed_on,
        key=key,
    )
    return attachment


@transaction.atomic
def attach_file_once(
    *,
    application: Application,
    document_code: str,
    name: str,
    stream: IO[bytes],
    size: int,
    actor: User,
    signed_on: dt.date | None = None,
    key: str = "",
) -> tuple[Attachment, bool]:
    """Keep the file only if its content is an allowed format within the size limit.  The same
    content for the same document again (a retried upload) returns the attachment kept the first
    time.  Returns the attachment and whether it was created now."""
    _editable(application)
    doc = _document(application, document_code)
    limit = doc.max_size_mb * 1024 * 1024
    if size > limit:
        if doc.share_link_over_mb is not None:
            raise FileRefused(
                _("The file is %(size)s MB; files over %(limit)s MB are given as a share link."),
                params={"size": round(size / 1024 / 1024, 1), "limit": doc.share_link_over_mb},
            )
        raise FileRefused(
            _("The file is %(size)s MB; at most %(limit)s MB is allowed."),
            params={"size": round(size / 1024 / 1024, 1), "limit": doc.max_size_mb},
        )
    sniffed = sniff(stream, size)
    if sniffed.problem == "macros":
        raise FileRefused(_("Documents with macros are not accepted; save it as .docx without macros."))
    if sniffed.problem == "zip_bomb":
        raise FileRefused(_("The file unpacks to an implausible size and was refused."))
    allowed = [f.value for f in doc.formats]
    if sniffed.format not in allowed:
        raise FileRefused(_("The file's content is not an allowed format (%(allowed)s)."), params={"allowed": ", ".join(allowed)})
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    Application.objects.select_for_update(of=("self",)).filter(pk=application.pk).first()
    same = Attachment.objects.filter(application=application, document_code=document_code, sha256=digest.hexdigest()).first()
    if same is not None:
        return same, False
    attachment = Attachment(
        application=application,
        document_code=document_code,
        original_name=name[-255:],
        size=size,
        sha256=digest.hexdigest(),
        detected_format=sniffed.format or "",
        signed_on=signed_on,
        key=key,
    )
    attachment.file.save(name[-80:], File(stream), save=False)
    attachment.save()
    log_action(
        action="shenbao.application.attached",
        obj=application,
        actor=actor,
        data={"document": document_code, "sha256": attachment.sha256, "size": size},
    )
    return attachment, True


def attach_share_link(*, application: Application, document_code: str, url: str, actor: User, note: str = "") -> Attachment:
    """A share link for large media, where the document allows it (seed 004: over 20 MB)."""
    attachment, _created = attach_share_link_once(
        application=application, document_code=document_code, url=url, actor=actor, note=note
    )
    return attachment


@transaction.atomic
def attach_share_link_once(
    *, application: Application, document_code: str, url: str, actor: User, note: str = ""
) -> tuple[Attachment, bool]:
    """A share link for large media, where the document allows it; the same link for the same
    document again returns the first.  Returns the attachment and whether it was created now."""
    _editable(application)
    doc = _document(application, document_code)
    if doc.share_link_over_mb is None:
        raise FileRefused(_("This document must be uploaded as a file."))
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FileRefused(_("A share link starts with http:// or https://."))
    same = Attachment.objects.filter(application=application, document_code=document_code, share_link=url).first()
    if same is not None:
        return same, False
    attachment = Attachment.objects.create(
        application=application, document_code=document_code, share_link=url, data={"note": note}
    )
    log_action(
        action="shenbao.application.link_added", obj=application, actor=actor, data={"document": document_code, "url": url}
    )
    return attachment, True


@transaction.atomic
def remove_attachment(*, attachment: Attachment, actor: User) -> None:
    """Take a document off a draft.  The file is deleted only if no revision holds it: a submitted
    revision is immutable, so a document taken off a returned application stays in storage for it."""
    _editable(attachment.application)
    kept = attachment.file and file_in_a_revision(attachment)
    log_action(
        action="shenbao.application.attachment_removed",
        obj=attachment.application,
        actor=actor,
        data={"document": attachment.document_code, "sha256": attachment.sha256, "link": attachment.share_link},
    )
    if attachment.file and not kept:
        attachment.file.delete(save=False)
    attachment.delete()


def file_in_a_revision(attachment: Attachment) -> bool:
    """Whether a revision of the attachment's application lists its stored file (revisions written
    before the file name was kept in them are matched by the document and its content hash)."""
    if attachment.application.revision == 0:
        return False
    for content in ApplicationRevision.objects.filter(application_id=attachment.application_id).values_list("content", flat=True):
        for listed in content.get("attachments", []):
            same_content = listed.get("document") == attachment.document_code and listed.get("sha256") == attachment.sha256
            if listed.get("file") == attachment.file.name or ("file" not in listed and same_content):
                return True
    return False
