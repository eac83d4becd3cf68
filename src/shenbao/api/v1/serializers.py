from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shenbao.applications.models import Application, Attachment, FormalCheckDecision, Partner, TeamMember
from shenbao.applications.queries.budgets import budget_data
from shenbao.applications.services.drafts import EDITABLE
from shenbao.applications.services.parts import PARTNER_FIELDS
from shenbao.calls.models import Call, Direction
from shenbao.calls.queries.definitions import current_definition
from shenbao.projects.progress import Progress, progress_of


class DirectionSerializer(serializers.ModelSerializer[Direction]):
    class Meta:
        model = Direction
        fields = (
            "code",
            "title",
            "example",
            "partner_countries",
            "fields",
            "quota_qualifier",
            "quota_value",
            "quota_min",
            "quota_max",
            "budget_total_yuan",
            "budget_per_project_yuan",
            "duration_min_months",
            "duration_max_months",
        )


class CallSerializer(serializers.ModelSerializer[Call]):
    program = serializers.CharField(source="program.code")
    phase = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields: tuple[str, ...] = (
            "code",
            "program",
            "title",
            "year",
            "batch",
            "status",
            "phase",
            "example",
            "timezone",
            "opens_at",
            "deadline",
            "version",
        )

    def get_phase(self, call: Call) -> str:
        from shenbao.calls.queries.public import call_phase

        return str(call_phase(call))


class WindowSerializer(serializers.Serializer[Any]):
    """Whether the requesting user may start and submit now: the one answer the pages give too."""

    state = serializers.ChoiceField(choices=["open", "late", "closed"])
    reason = serializers.CharField()
    reason_text = serializers.CharField()
    closes_at = serializers.DateTimeField(allow_null=True)


class CallDetailSerializer(CallSerializer):
    directions = DirectionSerializer(many=True, read_only=True)
    definition = serializers.JSONField(read_only=True)
    window = serializers.SerializerMethodField()

    class Meta(CallSerializer.Meta):
        fields = (*CallSerializer.Meta.fields, "directions", "definition", "window")

    @extend_schema_field(WindowSerializer)
    def get_window(self, call: Call) -> dict[str, Any]:
        from shenbao.applications.queries.window import submission_window

        request = self.context.get("request")
        window = submission_window(call, getattr(request, "user", None))
        return WindowSerializer(
            {
                "state": window.state.value,
                "reason": window.reason.value,
                "reason_text": window.reason_text,
                "closes_at": window.closes_at,
            }
        ).data


class ProgressStepSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(
        help_text="submitted, endorsement, formal_check, stage:<code>, result, agreement, project, reports"
    )
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    status = serializers.ChoiceField(choices=["done", "current", "failed", "waiting", "skipped"])
    detail = serializers.CharField()
    at = serializers.CharField(allow_null=True, help_text="ISO date or date-time")


class ProgressSerializer(serializers.Serializer[Any]):
    """Where the application stands (the same read as the applicant's pages)."""

    stage = serializers.CharField(help_text="the furthest point reached, e.g. check_passed, in_review, awarded, project_active")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    next = serializers.CharField(help_text="what comes next, in the reader's language; empty when nothing does")
    due = serializers.DateTimeField(
        allow_null=True, help_text="the moment the next step is due by (ISO date-time with offset); null when none"
    )
    steps = ProgressStepSerializer(many=True)
    links = serializers.DictField(child=serializers.CharField(), help_text="results, agreement, project: the pages to open")


def progress_data(progress: Progress) -> dict[str, Any]:
    links = {}
    if progress.results_published:
        links["results"] = reverse("web:call_results", args=[progress.call_code])
    if progress.agreement_id is not None:
        links["agreement"] = reverse("web:agreement", args=[progress.agreement_id])
    if progress.project_id is not None:
        links["project"] = reverse("web:project", args=[progress.project_id])
    return {
        "stage": progress.stage,
        "label": progress.label,
        "next": progress.next,
        "due": progress.due.isoformat() if progress.due is not None else None,
        "steps": [
            {
                "code": s.code,
                "label": s.label,
                "status": s.status,
                "detail": s.detail,
                "at": s.at.isoformat() if s.at is not None else None,
            }
            for s in progress.steps
        ],
        "links": links,
    }


class BudgetRowSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    category = serializers.CharField()
    subline = serializers.BooleanField()
    amounts = serializers.DictField(child=serializers.CharField(), help_text="source → amount in the unit")
    total = serializers.CharField()
    note = serializers.CharField(required=False)


class BudgetTableSerializer(serializers.Serializer[Any]):
    unit = serializers.ChoiceField(choices=["wan", "yuan"], help_text="wan: 万元 (10,000 yuan); yuan: 元")
    rows = BudgetRowSerializer(many=True)
    column_totals = serializers.DictField(child=serializers.CharField())
    grand_total = serializers.CharField()


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    call = serializers.CharField(source="call.code", read_only=True)
    direction = serializers.CharField(source="direction.code", read_only=True, allow_null=True)
    applicant = serializers.EmailField(source="applicant.email", read_only=True)
    progress = serializers.SerializerMethodField()
    budgets = serializers.SerializerMethodField()

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, application: Application) -> dict[str, Any]:
        return progress_data(progress_of(application))

    @extend_schema_field(serializers.DictField(child=BudgetTableSerializer()))
    def get_budgets(self, application: Application) -> dict[str, Any]:
        """Each filled budget table (经费预算表) of the form with its totals, by field code."""
        if not any(isinstance(v, dict) for v in application.values.values()):
            return {}  # no table filled in: the call's definition need not be read
        return budget_data(current_definition(application.call), application.values)

    class Meta:
        model = Application
        read_only_fields = (
            "id",
            "call",
            "direction",
            "applicant",
            "state",
            "receipt_number",
            "revision",
            "version",
            "submitted_at",
            "progress",
            "budgets",
        )
        # What an applicant edits is exactly what autosave accepts (less the nested external data).
        fields = (*read_only_fields, *(name for name in EDITABLE if name not in ("external", "lead_organisation")))


class ApplicationCreateSerializer(serializers.Serializer[Any]):
    call = serializers.SlugField()
    direction = serializers.CharField(required=False, allow_null=True)


class ApplicationUpdateSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1)
    changes = serializers.DictField()


class SubmitSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(max_length=64, required=False, allow_blank=True)


class ReceiptSerializer(serializers.Serializer[Any]):
    """What a submission answers: the receipt (read the full application with GET)."""

    id = serializers.IntegerField()
    state = serializers.CharField()
    receipt_number = serializers.CharField()
    revision = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


_RECEIPT_AT = serializers.DateTimeField()


def receipt_data(*, id: int, state: str, receipt_number: str | None, revision: int, submitted_at: Any) -> dict[str, Any]:
    """``ReceiptSerializer``'s output, built without a serializer per request: the submission is the
    deadline rush's request, and building one costs more than its database reads (a test keeps the
    two equal)."""
    return {
        "id": int(id),
        "state": str(state),
        "receipt_number": None if receipt_number is None else str(receipt_number),
        "revision": int(revision),
        "submitted_at": _RECEIPT_AT.to_representation(submitted_at),
    }


class RuleResultSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    kind = serializers.CharField()
    level = serializers.CharField()
    outcome = serializers.CharField()
    reason = serializers.CharField()


class FormalCheckSerializer(serializers.ModelSerializer[FormalCheckDecision]):
    class Meta:
        model = FormalCheckDecision
        fields = ("outcome", "reason", "decided_at", "revision")
        read_only_fields = ("decided_at", "revision")


class ErrorSerializer(serializers.Serializer[Any]):
    """Every refusal: a stable code and a sentence in the request's language."""

    code = serializers.CharField()
    detail = serializers.CharField()


class TeamMemberSerializer(serializers.ModelSerializer[TeamMember]):
    class Meta:
        model = TeamMember
        fields = ("id", "email", "name", "role", "presenter", "status", "invited_at", "responded_at")
        read_only_fields = ("id", "status", "invited_at", "responded_at")


class InvitationSerializer(serializers.ModelSerializer[TeamMember]):
    """An invitation as its invitee sees it."""

    application = serializers.IntegerField(source="application_id", read_only=True)
    call = serializers.CharField(source="application.call.code", read_only=True)
    title = serializers.CharField(source="application.title", read_only=True)
    applicant = serializers.EmailField(source="application.applicant.email", read_only=True)

    class Meta:
        model = TeamMember
        fields = ("id", "application", "call", "title", "applicant", "role", "presenter", "status", "invited_at", "responded_at")
        read_only_fields = fields


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    class Meta:
        model = Partner
        fields = ("id", *PARTNER_FIELDS)
        read_only_fields = ("id",)


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    class Meta:
        model = Attachment
        fields = (
            "id",
            "document_code",
            "original_name",
            "size",
            "sha256",
            "detected_format",
            "share_link",
            "signed_on",
            "key",
            "uploaded_at",
        )
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    """Either a file (multipart) or, where the document allows large media as a link, a share link."""

    document = serializers.CharField(help_text="the code of the call's required document")
    file = serializers.FileField(required=False)
    url = serializers.URLField(required=False, help_text="a share link, for documents that accept one")
    signed_on = serializers.DateField(required=False, allow_null=True)
    key = serializers.CharField(required=False, allow_blank=True, help_text="the document's number")


class AmendSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text="why the submitted application changes (kept with the revision)")
    changes = serializers.DictField(help_text="the same attributes as PATCH takes")


class AmendResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    revision = serializers.IntegerField()
    version = serializers.IntegerField()


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    state = serializers.CharField()


class FileJobSerializer(serializers.Serializer[Any]):
    """A file prepared in the background (a large export): poll ``url`` until ``status`` is ``done``,
    then fetch ``download``; ``failed`` carries ``error_code``, ``expired`` means the file was removed
    after the retention period."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    file_format = serializers.CharField()
    status = serializers.CharField()
    progress = serializers.IntegerField(help_text="0–100")
    done_items = serializers.IntegerField()
    total_items = serializers.IntegerField()
    filename = serializers.CharField()
    error_code = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField()
    download = serializers.CharField(allow_null=True)
