"""Who opened which document of an application under review, and how (read in the page or downloaded)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.applications.models import Application, Attachment
from shenbao.reviews.models.assignment import Assignment


class DocumentAccess(models.Model):
    """One view or download of an application's PDF or attachment through a review assignment."""

    class Mode(models.TextChoices):
        VIEW = "view", _("Read in the page")
        DOWNLOAD = "download", _("Downloaded")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="document_accesses", verbose_name=_("assignment")
    )
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+", verbose_name=_("application"))
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("attachment")
    )
    document = models.CharField(_("document"), max_length=300, help_text=_("The application PDF or the file's name."))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document access")
        verbose_name_plural = _("document accesses")
        indexes = [models.Index(fields=["application", "at"], name="reviews_docaccess_app")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.mode} {self.document}"
