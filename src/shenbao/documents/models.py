"""Files staff asked for that take too long for a request (issue 18): the zip of a call's PDFs and
exports above ``SHENBAO_EXPORT_INLINE_MAX_APPLICATIONS``.  The worker (``manage.py db_worker``)
builds the file, reports progress here and stores the result through the storage API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.calls.models import Call
from shenbao.documents.enums import FileJobStatus

PDFS = "pdfs"  # the kind of the zip of PDFs; every other kind is an export's code


def file_job_path(instance: FileJob, filename: str) -> str:
    return f"jobs/{instance.pk}/{filename}"


class FileJob(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="file_jobs", verbose_name=_("call"))
    kind = models.CharField(_("kind"), max_length=40)
    file_format = models.CharField(_("format"), max_length=10)
    filters: models.JSONField[dict[str, Any]] = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="file_jobs", verbose_name=_("requested by")
    )
    status = models.CharField(_("status"), max_length=20, choices=FileJobStatus.choices, default=FileJobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done_items = models.PositiveIntegerField(_("items done"), default=0)
    total_items = models.PositiveIntegerField(_("items in all"), default=0)
    result = models.FileField(_("result"), upload_to=file_job_path, blank=True, max_length=300)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("file prepared in the background")
        verbose_name_plural = _("files prepared in the background")
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="file_job_by_user")]

    def __str__(self) -> str:
        return f"{self.call.code} {self.kind}.{self.file_format} #{self.pk}"
