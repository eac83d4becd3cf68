"""Review API: stages, assignments, a reviewer's reviews, rankings — the web's services and predicates."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from shenbao.accounts.permissions import user_is_administrator
from shenbao.api.v1.serializers import ErrorSerializer
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import ReviewStage
from shenbao.calls.queries.roles import programs_where
from shenbao.core.errors import DomainError
from shenbao.reviews.enums import AssignmentMode, AssignmentStatus
from shenbao.reviews.models import Assignment, Review
from shenbao.reviews.queries.ranking import stage_ranking
from shenbao.reviews.queries.reviewer import assignments_of, get_assignment_for
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.reviews import save_review, submit_review
from shenbao.web.common import acting_user


def _domain(exc: DomainError) -> ValidationError:
    return ValidationError({"code": exc.code, "detail": str(exc)})


class StageSerializer(serializers.ModelSerializer[ReviewStage]):
    call = serializers.CharField(source="call.code", read_only=True)

    class Meta:
        model = ReviewStage
        fields = ("id", "call", "code", "name", "kind", "position")


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    reviewer = serializers.EmailField(source="reviewer.email", read_only=True)
    receipt_number = serializers.CharField(source="application.receipt_number", read_only=True)

    class Meta:
        model = Assignment
        fields = ("id", "application", "receipt_number", "reviewer", "status", "mode", "locked", "affinity", "explanation")


#: Seeds and versions are stored in integer columns: larger values are refused, not a 500.
MAX_STORED_INT = 2**31 - 1


class ScoreField(serializers.FloatField):
    """A score is a number: ``true`` is not 1 and ``"7"`` is not 7 (DRF's FloatField takes both)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


class AssignRequestSerializer(serializers.Serializer[Any]):
    mode = serializers.ChoiceField(
        choices=[AssignmentMode.OPTIMAL, AssignmentMode.RANDOM, AssignmentMode.FAIR], default=AssignmentMode.OPTIMAL
    )
    k = serializers.IntegerField(min_value=1, max_value=100, required=False)
    seed = serializers.IntegerField(min_value=0, max_value=MAX_STORED_INT, required=False)
    group_by_direction = serializers.BooleanField(default=False)


class RunSerializer(serializers.Serializer[Any]):
    run = serializers.IntegerField()
    created = serializers.IntegerField()
    kept = serializers.IntegerField()
    short = serializers.IntegerField()
    seed = serializers.IntegerField(allow_null=True)
    shortfalls = serializers.ListField(child=serializers.DictField())


class RankingRowSerializer(serializers.Serializer[Any]):
    direction = serializers.CharField(allow_blank=True)
    application = serializers.IntegerField()
    receipt_number = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    reviews = serializers.IntegerField()
    spread = serializers.FloatField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField())
    tie_remains = serializers.BooleanField()
    status = serializers.CharField()


class ReviewSerializer(serializers.Serializer[Any]):
    assignment = serializers.IntegerField(read_only=True)
    application = serializers.IntegerField(read_only=True)
    stage = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    version = serializers.IntegerField(min_value=0, max_value=MAX_STORED_INT)
    scores = serializers.DictField(child=ScoreField(allow_null=True))
    total = serializers.FloatField(read_only=True, allow_null=True)
    confidence = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)
    comment_to_applicant = serializers.CharField(allow_blank=True, required=False, default="")
    comment_to_staff = serializers.CharField(allow_blank=True, required=False, default="")


def _review_data(assignment: Assignment) -> dict[str, Any]:
    try:
        review = assignment.review  # loaded with the list (select_related), else one query
    except Review.DoesNotExist:
        review = Review(assignment=assignment)
    return {
        "assignment": assignment.pk,
        "application": assignment.application_id,
        "stage": assignment.stage.code,
        "state": review.state,
        "version": review.version,
        "scores": review.scores,
        "total": review.total,
        "confidence": review.confidence,
        "comment_to_applicant": review.comment_to_applicant,
        "comment_to_staff": review.comment_to_staff,
    }


class StageViewSet(viewsets.GenericViewSet[ReviewStage]):
    """Review stages of the calls the user runs (program officers) or chairs."""

    serializer_class = StageSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None  # the stages a user runs are few: one plain list, as the schema says
    queryset = ReviewStage.objects.none()  # lookups go through get_object's permission check

    def get_queryset(self) -> Any:
        return ReviewStage.objects.select_related("call__program").order_by("call__code", "position")

    def get_object(self, permission: str = "reviews.view_stage") -> ReviewStage:
        pk = str(self.kwargs["pk"])
        stage: ReviewStage | None = self.get_queryset().filter(pk=int(pk)).first() if pk.isdecimal() and pk.isascii() else None
        if stage is None or not self.request.user.has_perm("reviews.view_stage", stage):
            raise Http404(_("No such stage."))
        if not self.request.user.has_perm(permission, stage):
            raise PermissionDenied(_("Only the program's officers run a stage."))
        return stage

    def list(self, request: Request) -> Response:
        stages = self.get_queryset()
        if not user_is_administrator(request.user):
            # The same rule as reviews.view_stage, as one query: the user's programs as officer or chair.
            staff = programs_where(request.user, ProgramRoleKind.PROGRAM_OFFICER, ProgramRoleKind.COMMITTEE_CHAIR)
            stages = stages.filter(call__program_id__in=staff)
        return Response(StageSerializer(stages, many=True).data)

    @extend_schema(responses=AssignmentSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def assignments(self, request: Request, pk: str) -> Response:
        stage = self.get_object("reviews.manage_stage")
        rows = Assignment.objects.filter(stage=stage, status=AssignmentStatus.ACTIVE).select_related("reviewer", "application")
        return Response(AssignmentSerializer(rows.order_by("application_id", "reviewer_id"), many=True).data)

    @extend_schema(request=AssignRequestSerializer, responses={201: RunSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        stage = self.get_object("reviews.manage_stage")
        data = AssignRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            outcome = run_assignment(
                stage=stage,
                actor=acting_user(request),
                mode=data.validated_data["mode"],
                k=data.validated_data.get("k"),
                seed=data.validated_data.get("seed"),
                group_by_direction=data.validated_data["group_by_direction"],
            )
        except DomainError as exc:
            raise _domain(exc) from exc
        body = {
            "run": outcome.run.pk,
            "created": outcome.created,
            "kept": outcome.kept,
            "short": outcome.short,
            "seed": outcome.run.seed,
            "shortfalls": outcome.run.shortfalls,
        }
        return Response(RunSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RankingRowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def ranking(self, request: Request, pk: str) -> Response:
        stage = self.get_object()
        try:
            ranking = stage_ranking(stage, method=request.query_params.get("method") or None)
        except ValueError as exc:
            raise ValidationError({"method": _("Unknown aggregation method.")}) from exc
        rows = [
            {
                "direction": group,
                "application": row.application.pk,
                "receipt_number": row.application.receipt_number,
                "rank": row.ranked.rank,
                "value": row.aggregate.value,
                "mean": row.aggregate.mean,
                "reviews": row.aggregate.n_reviews,
                "spread": row.aggregate.spread,
                "flags": sorted(row.aggregate.flags),
                "tie_remains": row.ranked.tie_remains,
                "status": row.status,
            }
            for group, items in ranking.groups.items()
            for row in items
        ]
        return Response(RankingRowSerializer(rows, many=True).data)


class ReviewViewSet(viewsets.GenericViewSet[Assignment]):
    """The reviewer's own reviews, one per active assignment (its id is the assignment's)."""

    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None  # one reviewer's assignments: one plain list, as the schema says
    queryset = Assignment.objects.none()  # lookups go through get_assignment_for

    def get_object(self) -> Assignment:
        pk = str(self.kwargs["pk"])
        assignment = get_assignment_for(self.request.user, int(pk)) if pk.isdecimal() and pk.isascii() else None
        if assignment is None:
            raise Http404(_("No such assignment."))
        return assignment

    def list(self, request: Request) -> Response:
        return Response(ReviewSerializer([_review_data(a) for a in assignments_of(request.user)], many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ReviewSerializer(_review_data(self.get_object())).data)

    @extend_schema(request=ReviewSerializer, responses={200: ReviewSerializer, 409: ErrorSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        assignment = self.get_object()
        if not request.user.has_perm("reviews.review", assignment):
            raise PermissionDenied(_("Only the assigned reviewer writes this review."))
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            save_review(
                assignment=assignment,
                actor=acting_user(request),
                expected_version=data.validated_data["version"],
                scores=data.validated_data["scores"],
                confidence=data.validated_data.get("confidence"),
                comment_to_applicant=data.validated_data.get("comment_to_applicant", ""),
                comment_to_staff=data.validated_data.get("comment_to_staff", ""),
            )
        except DomainError as exc:
            if exc.code == "edit_conflict":
                return Response({"code": exc.code, "detail": str(exc)}, status=status.HTTP_409_CONFLICT)
            raise _domain(exc) from exc
        return Response(ReviewSerializer(_review_data(assignment)).data)

    @extend_schema(request=None, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        assignment = self.get_object()
        if not request.user.has_perm("reviews.review", assignment):
            raise PermissionDenied(_("Only the assigned reviewer writes this review."))
        try:
            submit_review(assignment=assignment, actor=acting_user(request))
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(ReviewSerializer(_review_data(assignment)).data)
