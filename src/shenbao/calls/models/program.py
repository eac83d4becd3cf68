from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.calls.enums import PROGRAM_KIND_LABELS, ProgramRoleKind, choices
from shenbao.core.text import text_get


class Program(models.Model):
    """A program (专项/计划) run by a funder; it holds calls, one per round."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name: models.JSONField[dict[str, str]] = models.JSONField(_("name"))
    kind = models.CharField(_("kind"), max_length=30, choices=choices(PROGRAM_KIND_LABELS))
    funder: models.JSONField[dict[str, str]] = models.JSONField(_("funder"))
    data: models.JSONField[dict[str, Any]] = models.JSONField(_("definition"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ("code",)

    def __str__(self) -> str:
        return text_get(self.name, "zh-hans")


class ProgramRole(models.Model):
    """A per-program role: program officer, committee chair, judge (DESIGN §2)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="roles", verbose_name=_("program"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_roles", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=ProgramRoleKind.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("program role")
        verbose_name_plural = _("program roles")
        constraints = [models.UniqueConstraint(fields=["program", "user", "role"], name="calls_program_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.program}"
