from __future__ import annotations

from typing import Any

from rest_framework import serializers

from shenbao.applications.models import Application, FormalCheckDecision
from shenbao.applications.services.drafts import EDITABLE
from shenbao.calls.models import Call, Direction


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


class CallDetailSerializer(CallSerializer):
    directions = DirectionSerializer(many=True, read_only=True)
    definition = serializers.JSONField(read_only=True)

    class Meta(CallSerializer.Meta):
        fields = (*CallSerializer.Meta.fields, "directions", "definition")


class ApplicationSerializer(serializers.ModelSerializer[Application]):
    call = serializers.CharField(source="call.code", read_only=True)
    direction = serializers.CharField(source="direction.code", read_only=True, allow_null=True)
    applicant = serializers.EmailField(source="applicant.email", read_only=True)

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
