"""The outbox: every mail the platform sends, stored before it is sent."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.notifications.enums import MessageState


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
