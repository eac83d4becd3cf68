"""The staff admin for programs and calls.  Definitions are changed by loading a new version
(``load_call`` or the admin action), never by editing the stored JSON in place."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shenbao.calls.models import (
    Call,
    CallDefinitionVersion,
    Direction,
    EligibilityCriterion,
    Program,
    ProgramRole,
    RequiredDocument,
    ReviewStage,
    TimelineItem,
)
from shenbao.calls.services.roles import grant_program_role, revoke_program_role
from shenbao.core.text import text_get


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProgramRoleInline(admin.TabularInline[ProgramRole, Program]):
    """Program roles are granted by administrators only, through the audited services."""

    model = ProgramRole
    extra = 0
    autocomplete_fields = ("user",)

    def _may_manage(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("calls.manage_program_roles"))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke and grant instead of editing a role in place

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ("code", "display_name", "kind")
    search_fields = ("code",)
    readonly_fields = ("code", "name", "kind", "funder", "data")
    inlines = (ProgramRoleInline,)

    @admin.display(description=_("name"))
    def display_name(self, obj: Program) -> str:
        return text_get(obj.name, None)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not ProgramRole:
            super().save_formset(request, form, formset, change)
            return
        roles = formset.save(commit=False)
        for role in formset.deleted_objects:
            revoke_program_role(program_role=role, actor=request.user)
        for role in roles:
            grant_program_role(program=form.instance, user=role.user, role=role.role, actor=request.user)


class TimelineInline(ReadOnlyInline):
    model = TimelineItem
    fields = ("kind", "at", "start", "end", "precision")


class DirectionInline(ReadOnlyInline):
    model = Direction
    fields = ("code", "title", "quota_qualifier", "quota_value", "budget_total_yuan", "duration_max_months")


class CriterionInline(ReadOnlyInline):
    model = EligibilityCriterion
    fields = ("code", "kind", "level", "directions")


class DocumentInline(ReadOnlyInline):
    model = RequiredDocument
    fields = ("code", "type", "required", "max_size_mb")


class StageInline(ReadOnlyInline):
    model = ReviewStage
    fields = ("code", "kind", "name")


class VersionInline(ReadOnlyInline):
    model = CallDefinitionVersion
    fields = ("version", "definition_hash", "source", "created_at", "created_by")
    readonly_fields = fields


@admin.register(Call)
class CallAdmin(admin.ModelAdmin[Call]):
    list_display = ("code", "display_title", "program", "status", "deadline", "version", "example")
    list_filter = ("status", "program", "example")
    search_fields = ("code",)
    readonly_fields = (
        "program",
        "code",
        "title",
        "year",
        "batch",
        "status",
        "example",
        "timezone",
        "direction_label",
        "summary",
        "published_on",
        "opens_at",
        "deadline",
        "definition",
        "definition_hash",
        "version",
        "stated_totals",
        "selection",
        "agreement",
    )
    inlines = (TimelineInline, DirectionInline, CriterionInline, DocumentInline, StageInline, VersionInline)

    @admin.display(description=_("title"))
    def display_title(self, obj: Call) -> str:
        return text_get(obj.title, None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
