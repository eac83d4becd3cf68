"""The post-award API (issue 19): a project's tranches, its reports with their decisions, its
agreement (the text's SHA-256 and the generated Word document), its change requests, which the PI
may also submit, and the change approval records (变更批复) of the approved ones.  Each route asks the
same predicate as the web page that shows the same thing (``projects.view_disbursement``,
``projects.view_project``, ``agreements.view_agreement``, ``projects.report``,
``projects.decide_report``); whoever may not see the project gets 404, whoever sees it but may not
request a change (or decide a report) gets 403.  A report carries the submitted expert reviews with
their scores by criterion for staff only, as the reports page shows them (the PI reads the decision and
its reasons, not the reviews).  Writes go through ``projects.services.changes`` and
``projects.services.report_reviews``; refusals are a code and a translated sentence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shenbao.accounts.models import Organisation
from shenbao.agreements.models import Agreement
from shenbao.api.parsers import BoundedJSONParser
from shenbao.api.v1.applicant import REFUSALS, Refused, _domain
from shenbao.core.errors import DomainError
from shenbao.core.text import text_get
from shenbao.projects.enums import ChangeKind, ReportStatus
from shenbao.projects.models import ChangeRequest, Project, Report, ReportReview, Tranche
from shenbao.projects.queries import agreement_amendments, projects_visible_to
from shenbao.projects.services.changes import request_change
from shenbao.projects.services.report_reviews import decide_report, report_review_settings
from shenbao.web.common import DOCX, acting_user, file_response, stored_file_response

NOT_FOUND = {404: OpenApiResponse(description="no such project, or not one the user may see")}


class TrancheSerializer(serializers.ModelSerializer[Tranche]):
    class Meta:
        model = Tranche
        fields = (
            "position",
            "amount_yuan",
            "condition",
            "planned_on",
            "status",
            "withheld_cause",
            "withheld_reason",
            "approved_at",
            "paid_amount_yuan",
            "paid_on",
            "payment_reference",
            "paid_by_category",
        )


class CriterionScoreSerializer(serializers.Serializer[Any]):
    criterion = serializers.CharField(help_text="the criterion's code in the call's report review")
    name = serializers.CharField(help_text="the criterion's name in the request's language")
    score = serializers.FloatField(allow_null=True, help_text="on the criterion's scale; null: marked not applicable")


class ReportReviewSerializer(serializers.Serializer[Any]):
    expert = serializers.CharField(help_text="the expert's name")
    expert_email = serializers.EmailField()
    submitted_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True, help_text="when the review was due; null: the call sets no due date")
    score = serializers.IntegerField(allow_null=True, help_text="the overall score (0–100), rounded")
    total = serializers.FloatField(allow_null=True, help_text="the weighted total of the criteria (0–100)")
    scores = CriterionScoreSerializer(many=True, help_text="by criterion, where the call declares them; else empty")
    opinion = serializers.CharField()


def _review(review: ReportReview, criteria: list[tuple[str, str]]) -> dict[str, Any]:
    given = review.scores or {}
    return {
        "expert": str(review.expert),
        "expert_email": review.expert.email,
        "submitted_at": review.submitted_at,
        "due_at": review.due_at,
        "score": review.score,
        "total": review.total,
        "scores": [{"criterion": code, "name": name, "score": given.get(code)} for code, name in criteria if code in given],
        "opinion": review.opinion,
    }


class PendingReportReviewSerializer(serializers.Serializer[Any]):
    expert = serializers.CharField(help_text="the expert's name")
    expert_email = serializers.EmailField()
    assigned_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True, help_text="null: the call sets no due date for this report kind")
    overdue = serializers.BooleanField(help_text="past its due date and not submitted")


class ReportSerializer(serializers.ModelSerializer[Report]):
    reviews = serializers.SerializerMethodField(
        help_text="the submitted expert reviews, for the program's staff; null for whoever the reports page shows none (the PI)"
    )
    pending_reviews = serializers.SerializerMethodField(
        help_text="the experts named who have not submitted yet, with their due dates; for the program's staff, null for the PI"
    )

    class Meta:
        model = Report
        fields = (
            "id",
            "kind",
            "status",
            "submitted_at",
            "text",
            "actuals",
            "spending",
            "decision_reasons",
            "decided_at",
            "reviews",
            "pending_reviews",
        )

    @extend_schema_field(ReportReviewSerializer(many=True, allow_null=True))
    def get_reviews(self, report: Report) -> list[dict[str, Any]] | None:
        if not self.context.get("show_reviews"):
            return None
        settings = report_review_settings(report)
        language = _language()
        criteria = [(c.code, c.name.get(language)) for c in settings.criteria] if settings else []
        return [_review(r, criteria) for r in report.reviews.all() if r.submitted_at is not None]

    @extend_schema_field(PendingReportReviewSerializer(many=True, allow_null=True))
    def get_pending_reviews(self, report: Report) -> list[dict[str, Any]] | None:
        if not self.context.get("show_reviews"):
            return None
        return [
            {
                "expert": str(r.expert),
                "expert_email": r.expert.email,
                "assigned_at": r.assigned_at,
                "due_at": r.due_at,
                "overdue": r.overdue,
            }
            for r in report.reviews.all()
            if r.submitted_at is None
        ]


def _reports_context(request: Request, project: Project) -> dict[str, Any]:
    """Staff (who decide) read the experts' reviews; the PI reads what the reports page shows them: none."""
    return {"show_reviews": request.user.has_perm("projects.decide_report", project)}


class ReportDecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(
        choices=[s for s in ReportStatus.choices if s[0] != ReportStatus.SUBMITTED],
        help_text="passed, conditional (passed with conditions) or failed",
    )
    reasons = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, help_text="required unless it passes: the reasons or conditions"
    )


class AgreementSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    text_sha256 = serializers.CharField(help_text="SHA-256 of the generated text; empty before it is generated")
    text_generated_at = serializers.DateTimeField(allow_null=True)
    pi_confirmed_at = serializers.DateTimeField(allow_null=True)
    institution_confirmed_at = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    document = serializers.URLField(allow_null=True, help_text="the generated text (.docx); null before it is generated")


class AmendmentSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField(help_text="1, 2, 3 … per agreement")
    kind = serializers.ChoiceField(choices=ChangeKind.choices, help_text="the kind of the approved change")
    change = serializers.IntegerField(help_text="the change request's id (as in the changes list)")
    created = serializers.DateTimeField(help_text="when the change was approved (or took effect without approval)")
    sha256 = serializers.CharField(help_text="SHA-256 of the document")
    document = serializers.URLField(help_text="the change approval record (.docx)")


class InstitutionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()


class ChangeSerializer(serializers.ModelSerializer[ChangeRequest]):
    new_pi_email = serializers.SerializerMethodField()
    new_institution = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = (
            "id",
            "kind",
            "status",
            "reason",
            "new_end_date",
            "new_budget",
            "new_pi_email",
            "new_institution",
            "requested_at",
            "decision_note",
            "decided_at",
        )

    def get_new_pi_email(self, change: ChangeRequest) -> str | None:
        return change.new_pi.email if change.new_pi is not None else None

    @extend_schema_field(InstitutionSerializer(allow_null=True))
    def get_new_institution(self, change: ChangeRequest) -> dict[str, Any] | None:
        org = change.new_institution
        return _institution(org) if org is not None else None


def _institution(org: Organisation) -> dict[str, Any]:
    return {"id": org.pk, "name": text_get(org.name, _language()), "credit_code": org.credit_code}


def _language() -> str:
    return translation.get_language() or "zh-hans"


class ChangeRequestSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    reason = serializers.CharField(max_length=5000, allow_blank=True)
    new_end_date = serializers.CharField(required=False, allow_blank=True, help_text="extensions: YYYY-MM-DD")
    new_pi_email = serializers.CharField(required=False, allow_blank=True, max_length=254, help_text="change of PI")
    new_institution = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="change of institution: its unified social credit code or exact name",
    )
    new_budget = serializers.JSONField(
        required=False, help_text="budget reallocation: the proposed table in the budget field's format"
    )


def _project(request: Request, pk: int, permission: str) -> Project:
    project = (
        Project.objects.select_related(
            "agreement__award__application", "agreement__award__call__program", "agreement__award__application__lead_organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if project is None or not request.user.has_perm(permission, project):
        raise Http404(_("No such project."))
    return project


def _agreement(request: Request, pk: int) -> Agreement:
    project = (
        Project.objects.select_related("agreement__award__application", "agreement__award__call__program").filter(pk=pk).first()
    )
    if project is None or not request.user.has_perm("agreements.view_agreement", project.agreement):
        raise Http404(_("No such project."))
    return project.agreement


class ProjectListSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    call = serializers.CharField(help_text="the call's code")
    receipt_number = serializers.CharField(allow_null=True)


class ProjectListView(APIView):
    """The projects the user may see: their own as the PI, their programs' as a program officer."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ProjectListSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = [
            {
                "id": p.pk,
                "title": p.title,
                "status": p.status,
                "start_date": p.start_date,
                "end_date": p.end_date,
                "call": p.agreement.award.call.code,
                "receipt_number": p.agreement.award.application.receipt_number,
            }
            for p in projects_visible_to(request.user)
        ]
        return Response(ProjectListSerializer(rows, many=True).data)


class ProjectTranchesView(APIView):
    """The disbursement schedule: each tranche's amount, condition, state and payment (with its split
    across the approved budget's categories)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: TrancheSerializer(many=True), **NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk, "projects.view_disbursement")
        return Response(TrancheSerializer(project.tranches.all(), many=True).data)


class ProjectReportsView(APIView):
    """The mid-term and final reports with the staff decision (passed, conditional, failed) and its reasons."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ReportSerializer(many=True), **NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk, "projects.view_project")
        reports = project.reports.prefetch_related("reviews__expert")
        return Response(ReportSerializer(reports, many=True, context=_reports_context(request, project)).data)


class ProjectReportDecisionView(APIView):
    """POST (the program's staff): decide a reviewed mid-term or final report, as on the reports page:
    passed, conditional (passed with conditions) or failed, with the reasons (required unless it
    passes).  The same service and the same refusals as the page: the report decided already, no
    expert named, a review not submitted, no reasons, the project no longer running.  The decision
    releases or withholds the tranches tied to the report and tells the PI."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [BoundedJSONParser]

    @extend_schema(request=ReportDecisionSerializer, responses={200: ReportSerializer, **REFUSALS})
    def post(self, request: Request, pk: int, report_pk: int) -> Response:
        project = _project(request, pk, "projects.view_project")
        if not request.user.has_perm("projects.decide_report", project):
            raise Refused("not_allowed", _("Only the program's staff may decide a report."), status.HTTP_403_FORBIDDEN)
        report = project.reports.filter(pk=report_pk).first()
        if report is None:
            raise Http404(_("No such report."))
        data = ReportDecisionSerializer(data=request.data)
        if not data.is_valid():
            if "decision" in data.errors:
                raise Refused("decision_invalid", _("Choose pass, pass with conditions or fail."))
            raise Refused(
                "invalid", _("Check the fields of the request."), fields={k: [str(e) for e in v] for k, v in data.errors.items()}
            )
        values = data.validated_data
        try:
            decide_report(
                report=report, decision=values["decision"], reasons=values.get("reasons", ""), actor=acting_user(request)
            )
        except DomainError as exc:
            raise _domain(exc) from exc
        decided = project.reports.prefetch_related("reviews__expert").get(pk=report.pk)
        return Response(ReportSerializer(decided, context=_reports_context(request, project)).data)


class ProjectAgreementView(APIView):
    """The agreement's state and the SHA-256 of its generated text, which every confirmation refers to."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: AgreementSerializer, **NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        agreement = _agreement(request, pk)
        document = request.build_absolute_uri(reverse("api-v1:project-agreement-document", args=[pk])) if agreement.text else None
        return Response(
            AgreementSerializer(
                {
                    "status": agreement.status,
                    "text_sha256": agreement.text_sha256,
                    "text_generated_at": agreement.text_generated_at,
                    "pi_confirmed_at": agreement.pi_confirmed_at,
                    "institution_confirmed_at": agreement.institution_confirmed_at,
                    "signed_at": agreement.signed_at,
                    "document": document,
                }
            ).data
        )


class ProjectAgreementDocumentView(APIView):
    """The generated agreement text (.docx); 404 before staff generated it."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY, **NOT_FOUND})
    def get(self, request: Request, pk: int) -> HttpResponse:
        agreement = _agreement(request, pk)
        if not agreement.text:
            raise Http404(_("The agreement's text has not been generated yet."))
        with agreement.text.open("rb") as handle:
            data = handle.read()
        receipt = agreement.award.application.receipt_number or str(agreement.pk)
        return file_response(data, DOCX, f"{receipt}-agreement-{agreement.text_sha256[:12]}.docx")


class ProjectAmendmentsView(APIView):
    """The change approval records (变更批复) of the project's agreement: one per approved change, with
    the before and after, numbered per agreement.  Who may see the agreement may see them."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: AmendmentSerializer(many=True), **NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        agreement = _agreement(request, pk)
        rows = [
            {
                "number": a.number,
                "kind": a.change.kind,
                "change": a.change_id,
                "created": a.created_at,
                "sha256": a.sha256,
                "document": request.build_absolute_uri(reverse("api-v1:project-amendment-document", args=[pk, a.number])),
            }
            for a in agreement_amendments(agreement.pk)
        ]
        return Response(AmendmentSerializer(rows, many=True).data)


class ProjectAmendmentDocumentView(APIView):
    """One change approval record (.docx): a redirect to a short-lived signed URL where downloads are
    served by the object store, else the file."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={(200, DOCX): OpenApiTypes.BINARY, 302: OpenApiResponse(description="signed download URL"), **NOT_FOUND}
    )
    def get(self, request: Request, pk: int, number: int) -> HttpResponseBase:
        agreement = _agreement(request, pk)
        amendment = agreement_amendments(agreement.pk).filter(number=number).first()
        if amendment is None:
            raise Http404(_("No such amendment."))
        receipt = agreement.award.application.receipt_number or str(agreement.pk)
        return stored_file_response(amendment.file, f"{receipt}-amendment-{amendment.number}-{amendment.sha256[:12]}.docx", DOCX)


class ProjectChangesView(APIView):
    """GET: the project's change requests (项目变更) with their decisions.  POST (the PI): request a
    change, as on the project page: the kind, the reason, and for an extension the new end, for a
    change of PI the new PI's account e-mail, for a change of institution its credit code or exact
    name, for a budget reallocation optionally the proposed table."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses={200: ChangeSerializer(many=True), **NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk, "projects.view_project")
        changes = project.changes.select_related("new_pi", "new_institution")
        return Response(ChangeSerializer(changes, many=True).data)

    @extend_schema(request=ChangeRequestSerializer, responses={201: ChangeSerializer, **REFUSALS})
    def post(self, request: Request, pk: int) -> Response:
        project = _project(request, pk, "projects.view_project")
        if not request.user.has_perm("projects.report", project):
            raise Refused("not_allowed", _("Only the project's PI may request a change."), status.HTTP_403_FORBIDDEN)
        data = ChangeRequestSerializer(data=request.data)
        if not data.is_valid():
            if "kind" in data.errors:
                raise Refused("change_kind_required", _("Choose the kind of change."))
            raise Refused(
                "invalid", _("Check the fields of the request."), fields={k: [str(e) for e in v] for k, v in data.errors.items()}
            )
        values = data.validated_data
        raw_end = (values.get("new_end_date") or "").strip()
        try:
            new_end = dt.date.fromisoformat(raw_end) if raw_end else None
        except ValueError:
            raise Refused("invalid_date", _("Enter the date as YYYY-MM-DD.")) from None
        kind = values["kind"]
        try:
            change = request_change(
                project=project,
                kind=kind,
                reason=values.get("reason", ""),
                new_end_date=new_end,
                actor=acting_user(request),
                new_budget=values.get("new_budget") if kind == ChangeKind.BUDGET else None,
                new_pi_email=values.get("new_pi_email", "") if kind == ChangeKind.PI else "",
                new_institution=values.get("new_institution", "") if kind == ChangeKind.INSTITUTION else "",
            )
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(ChangeSerializer(change).data, status=status.HTTP_201_CREATED)
