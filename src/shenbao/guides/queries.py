"""Reads of guide imports, scoped to who asks (CONVENTIONS rule 5)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shenbao.accounts.permissions import user_is_administrator
from shenbao.guides.models import GuideImport


def guide_imports_for(user: Any) -> QuerySet[GuideImport]:
    """The imports a user may see: their own; an administrator sees every one."""
    imports = GuideImport.objects.select_related("uploaded_by", "call").defer(
        "source_text", "extraction", "spans", "draft", "upload"
    )
    if user_is_administrator(user):
        return imports
    return imports.filter(uploaded_by=user)


def get_guide_import_for(user: Any, pk: int) -> GuideImport | None:
    """The import if ``user`` may work on it, else None (the view answers 404)."""
    guide = GuideImport.objects.select_related("call").defer("upload").filter(pk=pk).first()
    if guide is None or not user.has_perm("guides.change_guideimport", guide):
        return None
    return guide


def get_guide_import_progress_for(user: Any, pk: int) -> GuideImport | None:
    """The import's state and progress only (polled every few seconds: the texts are not loaded)."""
    guide = GuideImport.objects.defer("upload", "source_text", "extraction", "spans", "draft", "warnings").filter(pk=pk).first()
    if guide is None or not user.has_perm("guides.change_guideimport", guide):
        return None
    return guide
