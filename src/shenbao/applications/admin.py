from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.models import (
    Application,
    ApplicationRevision,
    Attachment,
    FormalCheckDecision,
    LateSubmissionToken,
    Partner,
    TeamMember,
)
from shenbao.applications.services.submission import issue_late_token


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


class LateTokenForm(forms.ModelForm[LateSubmissionToken]):
    hours = forms.IntegerField(label=_("Valid for (hours)"), min_value=1, max_value=24 * 14, initial=24)

    class Meta:
        model = LateSubmissionToken
        fields = ("call", "applicant", "reason")


@admin.register(LateSubmissionToken)
class LateSubmissionTokenAdmin(admin.ModelAdmin[LateSubmissionToken]):
    """Staff issue an individual extension here; it is audited and expires by itself."""

    form = LateTokenForm
    list_display = ("call", "applicant", "expires_at", "issued_by", "used_at")
    list_filter = ("call",)
    autocomplete_fields = ("applicant",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: LateSubmissionToken, form: Any, change: bool) -> None:
        assert isinstance(request.user, User)  # the admin requires a logged-in staff user
        issued = issue_late_token(
            call=form.cleaned_data["call"],
            applicant=form.cleaned_data["applicant"],
            hours=form.cleaned_data["hours"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        for field in LateSubmissionToken._meta.concrete_fields:
            setattr(obj, field.attname, getattr(issued, field.attname))
