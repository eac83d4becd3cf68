from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shenbao.core.audit import describe
from shenbao.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("created_at", "action", "object_repr", "actor", "description")
    list_filter = ("action",)
    search_fields = ("action", "object_repr", "object_id")
    readonly_fields = ("created_at", "action", "content_type", "object_id", "object_repr", "actor", "data")

    @admin.display
    def description(self, obj: AuditEntry) -> str:
        return describe(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
