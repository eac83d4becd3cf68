"""An uploaded guide document and the draft call definition extracted from it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.guides.enums import GuideImportStatus


def queued_upload_path(instance: GuideImport, filename: str) -> str:
    """Queued uploads sit in storage (local disk or the object store) under a name nobody can guess,
    so that a worker on another machine reads them; the file is removed once it has been read."""
    return f"guides/queued/{uuid.uuid4().hex}/{filename}"


class GuideImport(models.Model):
    """One upload: the text as read, the extraction (with spans and confidences), the edited draft.

        ``extraction`` keeps what the importer produced; ``draft`` is what staff edit and save.
        Spans point into ``source_text`` (the document as uploaded, traditional characters kept).
        A large document is queued: ``upload`` holds its file (in storage, so a worker on any machine reads it)
    until the background task has read it,
        ``progress`` (0–100) and ``progress_step`` say how far it is, ``error_code``/``error_params``
        why it failed (a translated sentence is chosen by the code).
    """

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guide_imports")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    file_kind = models.CharField(_("file kind"), max_length=10)
    encoding = models.CharField(max_length=20, blank=True)
    traditional = models.BooleanField(default=False)
    source_text = models.TextField(_("source text"))
    extraction = models.JSONField(default=dict)
    spans = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    draft = models.JSONField(default=dict)
    reconciliation = models.JSONField(default=list)
    #: Names the importer saw in a numbered run but did not take as directions ({title, source_start, source_end}).
    suggestions = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=GuideImportStatus.choices, default=GuideImportStatus.EXTRACTED)
    upload = models.FileField(upload_to=queued_upload_path, blank=True, editable=False, max_length=300)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_step = models.CharField(max_length=20, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="guide_imports")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("guide import")
        verbose_name_plural = _("guide imports")

    def __str__(self) -> str:
        return self.filename or f"guide import {self.pk}"
