"""A person's publications, imported from a BibTeX, RIS or CSV list: expertise and co-author conflicts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """One publication of a user (a reviewer's record): its title feeds the expertise match, its
    co-authors of recent years become collaborator conflicts (回避)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="publications", verbose_name=_("user")
    )
    title = models.CharField(_("title"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    coauthors: models.JSONField[list[str]] = models.JSONField(_("co-authors"), default=list, blank=True)
    venue = models.CharField(_("journal or venue"), max_length=300, blank=True)
    source_format = models.CharField(_("imported from"), max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["user", "year"], name="accounts_pub_user_year")]

    def __str__(self) -> str:
        return self.title
