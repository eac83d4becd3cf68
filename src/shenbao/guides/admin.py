from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shenbao.guides.models import GuideImport


@admin.register(GuideImport)
class GuideImportAdmin(admin.ModelAdmin[GuideImport]):
    """Read-only: imports change through the guide-import pages, which audit every step."""

    list_display = ("filename", "file_kind", "uploaded_by", "created_at", "status", "call")
    list_filter = ("status", "file_kind")
    search_fields = ("filename",)
    readonly_fields = ("uploaded_by", "filename", "file_kind", "encoding", "traditional", "status", "call", "created_at")
    exclude = ("source_text", "extraction", "spans", "warnings", "draft", "reconciliation")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
