from __future__ import annotations

from django.contrib import admin

from shenbao.applications.models import Application, ApplicationRevision, Attachment, FormalCheckDecision, Partner, TeamMember


class RevisionInline(admin.TabularInline[ApplicationRevision, Application]):
    model = ApplicationRevision
    extra = 0
    can_delete = False
    fields = ("number", "content_hash", "reason", "created_at", "created_by")
    readonly_fields = fields


class TeamInline(admin.TabularInline[TeamMember, Application]):
    model = TeamMember
    extra = 0
    fields = ("email", "name", "role", "presenter", "status")
    readonly_fields = fields


class PartnerInline(admin.TabularInline[Partner, Application]):
    model = Partner
    extra = 0


class AttachmentInline(admin.TabularInline[Attachment, Application]):
    model = Attachment
    extra = 0
    fields = ("document_code", "original_name", "size", "detected_format", "share_link", "sha256")
    readonly_fields = fields


class DecisionInline(admin.TabularInline[FormalCheckDecision, Application]):
    model = FormalCheckDecision
    extra = 0
    can_delete = False
    fields = ("outcome", "reason", "decided_by", "decided_at", "revision")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin[Application]):
    list_display = ("__str__", "call", "direction", "applicant", "state", "revision", "submitted_at")
    list_filter = ("state", "call")
    search_fields = ("receipt_number", "title", "applicant__email")
    readonly_fields = ("state", "receipt_number", "revision", "version", "submit_key", "submitted_at")
    inlines = (TeamInline, PartnerInline, AttachmentInline, RevisionInline, DecisionInline)
