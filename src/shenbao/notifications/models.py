"""The outbox: every mail the platform sends, stored before it is sent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.notifications.enums import BulkAudience, MessageState


class Message(models.Model):
    """One mail to one recipient, rendered in the recipient's language when it was queued.

    ``call_code`` names the call the mail belongs to (the outbox is listed per call); ``related``
    is the object it is about (an application, an agreement, a review)."""

    to = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=16)
    template = models.CharField(_("template"), max_length=64, db_index=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    call_code = models.CharField(_("call"), max_length=64, blank=True, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    state = models.CharField(_("state"), max_length=16, choices=MessageState.choices, default=MessageState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    bulk = models.ForeignKey(
        "BulkMail", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages", verbose_name=_("bulk mail")
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("call_code", "state"))]

    def __str__(self) -> str:
        return f"{self.template} → {self.to}"


class MailHold(models.Model):
    """Staff hold the outgoing mail of a call for review: new mails wait as held until released."""

    call_code = models.CharField(_("call"), max_length=64, unique=True)
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    held_at = models.DateTimeField(_("held at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mail hold")
        verbose_name_plural = _("mail holds")

    def __str__(self) -> str:
        return self.call_code


class MailTemplateOverride(models.Model):
    """Staff's own text of one mail template for a program or for a call, in either language.

    ``subject`` and ``body`` map a language code to the template text; a language left out uses the
    shipped default.  A call's override wins over its program's, which wins over the default.
    ``version`` counts the changes; each change is in the audit log with the text it replaced."""

    key = models.CharField(_("template"), max_length=64)
    program = models.ForeignKey("calls.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject = models.JSONField(_("subject"), default=dict)
    body = models.JSONField(_("body"), default=dict)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mail template override")
        verbose_name_plural = _("mail template overrides")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(program__isnull=False, call__isnull=True) | models.Q(program__isnull=True, call__isnull=False)
                ),
                name="mail_override_program_xor_call",
            ),
            models.UniqueConstraint(
                fields=("program", "key"), condition=models.Q(call__isnull=True), name="mail_override_program_key"
            ),
            models.UniqueConstraint(
                fields=("call", "key"), condition=models.Q(program__isnull=True), name="mail_override_call_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.call_id or self.program_id})"

    def languages(self) -> list[str]:
        return [lang for lang in self.body if self.body.get(lang, "").strip()]


class BulkMail(models.Model):
    """One mail staff wrote to a list (the applicants of a filtered list, the reviewers with overdue
    reviews of a stage …): its text in each language, the list it went to, and who sent it.

    ``token`` is issued with the compose form and is unique: a second submission of the same form
    (a double click, a reload) finds the mail already sent and creates nothing."""

    token = models.CharField(max_length=64, unique=True)
    call_code = models.CharField(_("call"), max_length=64, db_index=True)
    audience = models.CharField(_("recipients"), max_length=20, choices=BulkAudience.choices)
    source: models.JSONField[dict[str, Any]] = models.JSONField(_("list"), default=dict)
    texts: models.JSONField[dict[str, dict[str, str]]] = models.JSONField(_("text"), default=dict)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    message_count = models.PositiveIntegerField(_("mails"), default=0)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bulk mail")
        verbose_name_plural = _("bulk mails")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.call_code}: {self.message_count}"


class Notification(models.Model):
    """An event shown in the site to the user it concerns (the bell): made with every mail to an
    address that belongs to a user.  Shown while its mail is not held for review or discarded."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="notification", verbose_name=_("mail")
    )
    title = models.CharField(_("title"), max_length=300)
    link = models.CharField(_("link"), max_length=500, blank=True)  # a path on this site, never another host
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("user", "read_at"), name="notif_user_read")]

    def __str__(self) -> str:
        return self.title
