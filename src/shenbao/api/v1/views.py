"""API views: the same services and permission predicates as the web pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from shenbao.api.v1.serializers import (
    ApplicationCreateSerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    CallDetailSerializer,
    CallSerializer,
    ErrorSerializer,
    FormalCheckSerializer,
    ReceiptSerializer,
    RuleResultSerializer,
    SubmitSerializer,
    receipt_data,
)
from shenbao.applications.facts import check_application
from shenbao.applications.models import Application
from shenbao.applications.queries.access import applications_visible_to, get_application_for
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.applications.services.formal_check import decide_formal_check
from shenbao.applications.services.submission import submit_own_application
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.queries.public import get_call_for_viewing, public_calls
from shenbao.core.errors import DomainError
from shenbao.eligibility.messages import result_text
from shenbao.projects.progress import with_progress
from shenbao.web.applicant.forms import application_form, changes_from, form_data_for, implied_form_fields
from shenbao.web.common import acting_user


def _domain(exc: DomainError) -> ValidationError:
    return ValidationError({"code": exc.code, "detail": str(exc)})


class CallViewSet(viewsets.ReadOnlyModelViewSet[Call]):
    """Published calls; drafts only for their program's staff."""

    lookup_field = "code"
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> Any:
        return public_calls().order_by("-deadline")

    def get_serializer_class(self) -> Any:
        return CallDetailSerializer if self.action == "retrieve" else CallSerializer

    def get_object(self) -> Call:
        call = get_call_for_viewing(self.request.user, self.kwargs["code"])
        if call is None:
            raise Http404(_("No such call."))
        return call


class ApplicationViewSet(viewsets.GenericViewSet[Application]):
    """Applications the user may see: their own, their team's, their institution's, their program's."""

    serializer_class = ApplicationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> Any:
        return with_progress(applications_visible_to(self.request.user).order_by("-created_at"))

    def get_object(self) -> Application:
        pk = str(self.kwargs["pk"])
        application = get_application_for(self.request.user, int(pk)) if pk.isdecimal() and pk.isascii() else None
        if application is None:
            raise Http404(_("No such application."))
        return application

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        serializer = ApplicationSerializer(page if page is not None else self.get_queryset(), many=True)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ApplicationSerializer(self.get_object()).data)

    @extend_schema(request=ApplicationCreateSerializer, responses=ApplicationSerializer)
    def create(self, request: Request) -> Response:
        data = ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = get_call_for_viewing(request.user, data.validated_data["call"])
        if call is None:
            raise Http404(_("No such call."))
        direction = None
        if data.validated_data.get("direction"):
            direction = call.directions.filter(code=data.validated_data["direction"]).first()
            if direction is None:
                raise ValidationError({"direction": _("No such direction in this call.")})
        try:
            application = start_application(call=call, direction=direction, applicant=acting_user(request))
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationUpdateSerializer, responses={200: ApplicationSerializer, 409: ErrorSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        if not request.user.has_perm("applications.change_application", application):
            raise PermissionDenied(_("You cannot change this application."))
        data = ApplicationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        definition = current_definition(application.call)
        try:
            form_data = form_data_for(application, data.validated_data["changes"])
        except KeyError as exc:
            raise ValidationError(
                {"changes": _("These fields cannot be changed here: %(fields)s.") % {"fields": exc.args[0]}}
            ) from exc
        except TypeError as exc:
            raise ValidationError({"changes": _("“%(field)s” has the wrong shape.") % {"field": exc.args[0]}}) from exc
        form = application_form(definition, application, data=form_data)
        names = implied_form_fields(data.validated_data["changes"])
        foreign = sorted(n for n in names if n not in form.fields)
        if foreign:
            raise ValidationError(
                {"changes": _("This call's form has no such fields: %(fields)s.") % {"fields": ", ".join(foreign)}}
            )
        if not form.is_valid():
            raise ValidationError({"changes": {name: [str(e) for e in errors] for name, errors in form.errors.items()}})
        changes = changes_from(form, definition)
        try:
            application = save_draft(
                application=application,
                changes=changes,
                expected_version=data.validated_data["version"],
                actor=acting_user(request),
            )
        except DomainError as exc:
            if exc.code == "edit_conflict":
                return Response({"code": exc.code, "detail": str(exc)}, status=status.HTTP_409_CONFLICT)
            raise _domain(exc) from exc
        return Response(ApplicationSerializer(application).data)

    @extend_schema(request=SubmitSerializer, responses={201: ReceiptSerializer, 200: ReceiptSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = int(pk) if pk.isdecimal() and pk.isascii() else 0
        try:
            result = submit_own_application(pk=number, actor=acting_user(request), key=data.validated_data.get("key", ""))
        except DomainError as exc:
            raise _domain(exc) from exc
        if result is None:  # not the user's own: 404 if they may not see it, else 403
            self.get_object()
            raise PermissionDenied(_("Only the applicant submits."))
        application = result.application
        receipt = receipt_data(
            id=application.pk,
            state=application.state,
            receipt_number=application.receipt_number,
            revision=result.revision,
            submitted_at=application.submitted_at,
        )
        return Response(receipt, status=status.HTTP_201_CREATED if result.created else 200)

    @extend_schema(responses=RuleResultSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def checks(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        results = [
            {"code": r.code, "kind": r.kind, "level": r.level, "outcome": r.outcome.value, "reason": result_text(r)}
            for r in check_application(application)
        ]
        return Response(RuleResultSerializer(results, many=True).data)

    @extend_schema(request=FormalCheckSerializer, responses={201: FormalCheckSerializer})
    @action(detail=True, methods=["post"], url_path="formal-check")
    def formal_check(self, request: Request, pk: str) -> Response:
        application = self.get_object()
        if not request.user.has_perm("applications.check_application", application):
            raise PermissionDenied(_("Only the program's officers decide the formal check."))
        data = FormalCheckSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            (decision,) = decide_formal_check(
                applications=[application],
                outcome=data.validated_data["outcome"],
                reason=data.validated_data.get("reason", ""),
                actor=acting_user(request),
            )
        except ValueError as exc:
            raise ValidationError({"reason": str(exc)}) from exc
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(FormalCheckSerializer(decision).data, status=status.HTTP_201_CREATED)
