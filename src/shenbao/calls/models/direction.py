from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.calls.enums import QUALIFIER_LABELS, choices
from shenbao.calls.models.call import Call
from shenbao.core.text import text_get


class DirectionCategory(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="categories", verbose_name=_("call"))
    code = models.CharField(_("code"), max_length=64)
    position = models.PositiveSmallIntegerField()
    name: models.JSONField[dict[str, str]] = models.JSONField(_("name"))
    description: models.JSONField[dict[str, str]] = models.JSONField(_("description"), default=dict, blank=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ("call", "position")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="calls_category_code_unique")]

    def __str__(self) -> str:
        return text_get(self.name, "zh-hans")


class Direction(models.Model):
    """A funded line inside a call (指南方向 / 课题 / 赛项 / 榜单); the call's label says which."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="directions", verbose_name=_("call"))
    category = models.ForeignKey(
        DirectionCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="directions", verbose_name=_("category")
    )
    code = models.CharField(_("code"), max_length=64)
    position = models.PositiveSmallIntegerField()
    title: models.JSONField[dict[str, str]] = models.JSONField(_("title"))
    example = models.BooleanField(_("example (synthetic)"), default=False)
    partner_countries: models.JSONField[list[str]] = models.JSONField(_("partner countries"), default=list, blank=True)
    fields: models.JSONField[list[dict[str, str]]] = models.JSONField(_("fields"), default=list, blank=True)
    quota_qualifier = models.CharField(_("quota qualifier"), max_length=20, choices=choices(QUALIFIER_LABELS), blank=True)
    quota_value = models.DecimalField(_("quota"), max_digits=8, decimal_places=2, null=True, blank=True)
    quota_min = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    quota_max = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    quota_in_principle = models.BooleanField(default=False)
    budget_total_yuan = models.BigIntegerField(_("total budget (yuan)"), null=True, blank=True)
    budget_per_project_yuan = models.BigIntegerField(_("budget per project (yuan)"), null=True, blank=True)
    duration_min_months = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_max_months = models.PositiveSmallIntegerField(null=True, blank=True)
    data: models.JSONField[dict[str, Any]] = models.JSONField(_("definition"))

    class Meta:
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        ordering = ("call", "position")
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="calls_direction_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {text_get(self.title, 'zh-hans')}"
