"""The remaining parts of a call definition, one row each, for querying and for later stages."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.calls.enums import STAGE_KIND_LABELS, choices
from shenbao.calls.models.call import Call
from shenbao.core.text import text_get


class _CallPart(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+", verbose_name=_("call"))
    code = models.CharField(_("code"), max_length=64)
    position = models.PositiveSmallIntegerField()
    data: models.JSONField[dict[str, Any]] = models.JSONField(_("definition"))

    class Meta:
        abstract = True
        ordering = ("call", "position")


class EligibilityCriterion(_CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    kind = models.CharField(_("rule kind"), max_length=40)
    level = models.CharField(_("level"), max_length=10)
    text: models.JSONField[dict[str, str]] = models.JSONField(_("text"))
    directions: models.JSONField[list[str]] = models.JSONField(_("directions"), default=list, blank=True)

    class Meta(_CallPart.Meta):
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="calls_criterion_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {text_get(self.text, 'zh-hans')[:60]}"


class RequiredDocument(_CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents", verbose_name=_("call"))
    name: models.JSONField[dict[str, str]] = models.JSONField(_("name"))
    type = models.CharField(_("type"), max_length=40)
    required = models.BooleanField(_("required"), default=True)
    directions: models.JSONField[list[str]] = models.JSONField(_("directions"), default=list, blank=True)
    max_size_mb = models.PositiveIntegerField(_("maximum size (MB)"))
    share_link_over_mb = models.PositiveIntegerField(_("share link above (MB)"), null=True, blank=True)

    class Meta(_CallPart.Meta):
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="calls_document_code_unique")]

    def __str__(self) -> str:
        return text_get(self.name, "zh-hans")

    @property
    def formats(self) -> list[str]:
        """The accepted formats (the definition's default is PDF only)."""
        return list(self.data.get("formats") or ["pdf"])


class FormField(_CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="form_fields", verbose_name=_("call"))
    label: models.JSONField[dict[str, str]] = models.JSONField(_("label"))
    type = models.CharField(_("type"), max_length=30)
    required = models.BooleanField(_("required"), default=False)

    class Meta(_CallPart.Meta):
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="calls_form_field_code_unique")]

    def __str__(self) -> str:
        return text_get(self.label, "zh-hans")


class ReviewStage(_CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="stages", verbose_name=_("call"))
    name: models.JSONField[dict[str, str]] = models.JSONField(_("name"))
    kind = models.CharField(_("kind"), max_length=30, choices=choices(STAGE_KIND_LABELS))

    class Meta(_CallPart.Meta):
        verbose_name = _("review stage")
        verbose_name_plural = _("review stages")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="calls_stage_code_unique")]

    def __str__(self) -> str:
        return text_get(self.name, "zh-hans")


class ReviewCriterion(models.Model):
    stage = models.ForeignKey(ReviewStage, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("stage"))
    code = models.CharField(_("code"), max_length=64)
    position = models.PositiveSmallIntegerField()
    name: models.JSONField[dict[str, str]] = models.JSONField(_("name"))
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3)
    scale_min = models.IntegerField(_("lowest score"))
    scale_max = models.IntegerField(_("highest score"))

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ("stage", "position")
        constraints = [models.UniqueConstraint(fields=["stage", "code"], name="calls_review_criterion_code_unique")]

    def __str__(self) -> str:
        return text_get(self.name, "zh-hans")


class KpiTemplate(_CallPart):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="kpi_templates", verbose_name=_("call"))
    name: models.JSONField[dict[str, str]] = models.JSONField(_("name"))
    comparator = models.CharField(_("comparator"), max_length=2)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    unit: models.JSONField[dict[str, str]] = models.JSONField(_("unit"))

    class Meta(_CallPart.Meta):
        verbose_name = _("KPI template")
        verbose_name_plural = _("KPI templates")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="calls_kpi_code_unique")]

    def __str__(self) -> str:
        return text_get(self.name, "zh-hans")
