"""The applicant's API beyond the draft itself: team, invitations, partners, attachments, amending
after submission and withdrawing.  Every write goes through the web's services and is allowed by
the same permission predicates; refusals are a code and a translated sentence."""

from __future__ import annotations

import secrets
from typing import Any, TypeVar, cast

from django.db import models
from django.http import Http404, QueryDict
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shenbao.api.parsers import BoundedJSONParser
from shenbao.api.v1.serializers import (
    AmendResultSerializer,
    AmendSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    ErrorSerializer,
    InvitationSerializer,
    PartnerSerializer,
    StateSerializer,
    TeamMemberSerializer,
    WithdrawSerializer,
)
from shenbao.applications.errors import NotEditable
from shenbao.applications.files import MEDIA_TYPES
from shenbao.applications.models import Application, Attachment, Partner, TeamMember
from shenbao.applications.queries.access import get_application_for
from shenbao.applications.services.parts import (
    add_partner_once,
    attach_file_once,
    attach_share_link_once,
    remove_attachment,
    remove_partner,
    update_partner,
)
from shenbao.applications.services.submission import amend_submission
from shenbao.applications.services.team import invite_team_member_once, remove_team_member, respond_to_invitation
from shenbao.awards.services.withdrawal import withdraw_application
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.errors import DomainError
from shenbao.web.applicant.forms import (
    AttachmentDetailsForm,
    InviteForm,
    LinkForm,
    PartnerForm,
    application_form,
    changes_from,
    form_data_for,
    implied_form_fields,
    partner_fields,
    partner_initial,
    partner_networks,
)
from shenbao.web.common import acting_user, form_errors, stored_file_response

REFUSALS = {
    400: OpenApiResponse(ErrorSerializer, description="refused: a code and a translated sentence"),
    403: OpenApiResponse(ErrorSerializer, description="not allowed"),
    404: OpenApiResponse(description="no such application, or not one the user may see"),
}


class Refused(APIException):
    """A refusal in the API's shape: ``{"code": …, "detail": …}`` (and ``fields`` for form errors)."""

    def __init__(self, code: str, detail: str, status_code: int = 400, fields: dict[str, list[str]] | None = None) -> None:
        self.status_code = status_code
        body: dict[str, Any] = {"code": code, "detail": detail}
        if fields:
            body["fields"] = fields
        super().__init__(body)


M = TypeVar("M", bound=models.Model)


def _domain(exc: DomainError) -> Refused:
    return Refused(exc.code, str(exc))


def _invalid(form: Any) -> Refused:
    fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    return Refused("invalid", form_errors(form), fields=fields)


def _application(request: Request, pk: int) -> Application:
    application = get_application_for(request.user, pk)
    if application is None:
        raise Http404(_("No such application."))
    return application


def _part(model: type[M], application: Application, pk: int, missing: str) -> M:
    """The application's team member, partner or attachment ``pk`` (its application already in hand), else 404."""
    part = model._default_manager.filter(application=application, pk=pk).first()
    if part is None:
        raise Http404(missing)
    part.application = application  # type: ignore[attr-defined]
    return part


def _require(request: Request, application: Application, permission: str) -> None:
    """403 for whoever is not the applicant; the applicant hears why the state does not allow it."""
    if request.user.has_perm(permission, application):
        return
    if application.applicant_id == request.user.pk:
        raise _domain(NotEditable())
    raise Refused("not_allowed", _("Only the applicant may change this application."), status.HTTP_403_FORBIDDEN)


def _plain(data: Any) -> dict[str, Any]:
    """Request data as a plain dict (lists kept for multi-valued form fields)."""
    if isinstance(data, QueryDict):
        return {k: (data.getlist(k) if k == "networks" else data.get(k)) for k in data}
    return dict(data)


def _unknown(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise Refused("unknown_fields", _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)})


class TeamView(APIView):
    """The team of an application: everyone who may see the application lists it; the applicant
    invites by e-mail while the application is a draft (the same invitation again answers 200)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=TeamMemberSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        return Response(TeamMemberSerializer(application.team.order_by("pk"), many=True).data)

    @extend_schema(request=TeamMemberSerializer, responses={201: TeamMemberSerializer, 200: TeamMemberSerializer, **REFUSALS})
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _require(request, application, "applications.change_application")
        form = InviteForm(_plain(request.data))
        if not form.is_valid():
            raise _invalid(form)
        try:
            member, created = invite_team_member_once(
                application=application,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                presenter=form.cleaned_data["presenter"],
                actor=acting_user(request),
                link_base=request.build_absolute_uri("/").rstrip("/"),
            )
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class TeamMemberView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None, **REFUSALS})
    def delete(self, request: Request, pk: int, member_pk: int) -> Response:
        application = _application(request, pk)
        member = _part(TeamMember, application, member_pk, _("No such team member."))
        _require(request, application, "applications.change_application")
        try:
            remove_team_member(member=member, actor=acting_user(request))
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


def _invitation(request: Request, pk: int) -> TeamMember:
    """An invitation addressed to the user's e-mail address; any other is 404."""
    member = (
        TeamMember.objects.select_related("application__call", "application__applicant")
        .filter(pk=pk, email__iexact=acting_user(request).email)
        .first()
    )
    if member is None:
        raise Http404(_("This invitation does not exist."))
    return member


class InvitationListView(APIView):
    """Invitations to join an application's team, addressed to the user's e-mail address."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request: Request) -> Response:
        invitations = (
            TeamMember.objects.select_related("application__call", "application__applicant")
            .filter(email__iexact=acting_user(request).email)
            .order_by("-invited_at", "-pk")
        )
        return Response(InvitationSerializer(invitations, many=True).data)


class InvitationAnswerSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="The token from the invitation e-mail (the last part of its link).")


class InvitationAnswerView(APIView):
    """Accept or decline with the token from the invitation e-mail (an address that matches is not
    enough); answering again changes nothing and answers the first answer."""

    permission_classes = [permissions.IsAuthenticated]
    accept = True

    @extend_schema(request=InvitationAnswerSerializer, responses={200: InvitationSerializer, **REFUSALS})
    def post(self, request: Request, pk: int) -> Response:
        member = _invitation(request, pk)
        given = request.data.get("token") if hasattr(request.data, "get") else None
        if not isinstance(given, str) or not given:
            raise Refused(
                "token_required",
                _("Give the token from the invitation e-mail to answer it."),
                fields={"token": [_("This field is required.")]},
            )
        if not secrets.compare_digest(given.encode(), member.token.encode()):
            raise Refused("token_invalid", _("This is not the token of this invitation."), status_code=403)
        try:
            member = respond_to_invitation(token=member.token, accept=self.accept, user=acting_user(request))
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(InvitationSerializer(member).data)


class InvitationAcceptView(InvitationAnswerView):
    accept = True


class InvitationDeclineView(InvitationAnswerView):
    accept = False


def _partner_form(application: Application, given: dict[str, Any], current: dict[str, Any] | None = None) -> PartnerForm:
    """The web's partner form over ``given`` (laid over the partner's ``current`` values for an edit)."""
    definition = current_definition(application.call)
    networks = partner_networks(definition, application.direction.code if application.direction else None)
    form = PartnerForm(networks=networks)
    _unknown(given, set(form.fields))
    data = {k: v for k, v in (current or {}).items() if k in form.fields} | given
    form = PartnerForm(data, networks=networks)
    if not form.is_valid():
        raise _invalid(form)
    return form


class PartnerListView(APIView):
    """The partner organisations of an application (Chinese and foreign side)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=PartnerSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        return Response(PartnerSerializer(application.partners.order_by("pk"), many=True).data)

    @extend_schema(request=PartnerSerializer, responses={201: PartnerSerializer, 200: PartnerSerializer, **REFUSALS})
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _require(request, application, "applications.change_application")
        form = _partner_form(application, _plain(request.data))
        try:
            partner, created = add_partner_once(
                application=application, actor=acting_user(request), **partner_fields(form.cleaned_data)
            )
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(PartnerSerializer(partner).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class PartnerDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _partner(self, request: Request, pk: int, partner_pk: int) -> Partner:
        application = _application(request, pk)
        partner = _part(Partner, application, partner_pk, _("No such partner."))
        _require(request, application, "applications.change_application")
        return partner

    @extend_schema(request=PartnerSerializer, responses={200: PartnerSerializer, **REFUSALS})
    def patch(self, request: Request, pk: int, partner_pk: int) -> Response:
        partner = self._partner(request, pk, partner_pk)
        given = _plain(request.data)
        form = _partner_form(partner.application, given, partner_initial(partner))
        fields = {name: value for name, value in partner_fields(form.cleaned_data).items() if name in given}
        try:
            partner = update_partner(partner=partner, actor=acting_user(request), **fields)
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(PartnerSerializer(partner).data)

    @extend_schema(responses={204: None, **REFUSALS})
    def delete(self, request: Request, pk: int, partner_pk: int) -> Response:
        partner = self._partner(request, pk, partner_pk)
        try:
            remove_partner(partner=partner, actor=acting_user(request))
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentListView(APIView):
    """The documents of an application.  Uploads are recognised by content and checked against the
    call's formats and size limit; a document that allows large media takes a share link instead."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]

    @extend_schema(responses=AttachmentSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        return Response(AttachmentSerializer(application.attachments.order_by("uploaded_at", "pk"), many=True).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer, "application/json": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, 200: AttachmentSerializer, **REFUSALS},
    )
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _require(request, application, "applications.change_application")
        data = _plain(request.data)
        code = str(data.get("document") or "")
        try:
            if data.get("url"):
                link = LinkForm({"document": code, "url": data["url"]})
                if not link.is_valid():
                    raise _invalid(link)
                attachment, created = attach_share_link_once(
                    application=application, document_code=code, url=link.cleaned_data["url"], actor=acting_user(request)
                )
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise Refused("file_missing", _("Choose a file to upload."))
                details = AttachmentDetailsForm(data)
                if not details.is_valid():
                    raise _invalid(details)
                attachment, created = attach_file_once(
                    application=application,
                    document_code=code,
                    name=upload.name or "upload",
                    stream=cast(Any, upload),
                    size=upload.size or 0,
                    actor=acting_user(request),
                    signed_on=details.cleaned_data["signed_on"],
                    key=details.cleaned_data["key"],
                )
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AttachmentDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def _attachment(self, request: Request, pk: int, attachment_pk: int) -> Attachment:
        application = _application(request, pk)
        return _part(Attachment, application, attachment_pk, _("No such document."))

    @extend_schema(responses={**{(200, media_type): OpenApiTypes.BINARY for media_type in MEDIA_TYPES.values()}, 404: None})
    def get(self, request: Request, pk: int, attachment_pk: int) -> HttpResponseBase:
        """The uploaded file, for whoever may see the application (a share link has no file: 404)."""
        attachment = self._attachment(request, pk, attachment_pk)
        if not attachment.file:
            raise Http404(_("This document is a share link, not a file."))
        return stored_file_response(
            attachment.file, attachment.original_name or "document", MEDIA_TYPES.get(attachment.detected_format)
        )

    @extend_schema(responses={204: None, **REFUSALS})
    def delete(self, request: Request, pk: int, attachment_pk: int) -> Response:
        attachment = self._attachment(request, pk, attachment_pk)
        _require(request, attachment.application, "applications.change_application")
        try:
            remove_attachment(attachment=attachment, actor=acting_user(request))
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class AmendView(APIView):
    """A change after submission while the call is open: a new numbered revision with a reason."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=AmendSerializer, responses={201: AmendResultSerializer, **REFUSALS})
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        _require(request, application, "applications.amend_application")
        data = AmendSerializer(data=request.data)
        if not data.is_valid():
            if "reason" in data.errors:
                raise Refused("reason_required", _("Say why you change the submitted application."))
            raise Refused("invalid", _("Give the reason and the changes."), fields=cast(Any, data.errors))
        changes = data.validated_data["changes"]
        reason = data.validated_data["reason"].strip()
        if not reason:
            raise Refused("reason_required", _("Say why you change the submitted application."))
        definition = current_definition(application.call)
        try:
            form_data = form_data_for(application, changes)
        except KeyError as exc:
            raise Refused(
                "unknown_fields", _("These fields cannot be changed here: %(fields)s.") % {"fields": exc.args[0]}
            ) from exc
        except TypeError as exc:
            raise Refused("invalid", _("“%(field)s” has the wrong shape.") % {"field": exc.args[0]}) from exc
        form = application_form(definition, application, data=form_data)
        foreign = sorted(n for n in implied_form_fields(changes) if n not in form.fields)
        if foreign:
            raise Refused(
                "unknown_fields", _("This call's form has no such fields: %(fields)s.") % {"fields": ", ".join(foreign)}
            )
        if not form.is_valid():
            raise _invalid(form)
        try:
            number = amend_submission(
                application=application, actor=acting_user(request), changes=changes_from(form, definition), reason=reason
            )
        except DomainError as exc:
            raise _domain(exc) from exc
        application.refresh_from_db()
        body = {"id": application.pk, "revision": number, "version": application.version}
        return Response(AmendResultSerializer(body).data, status=status.HTTP_201_CREATED)


class WithdrawView(APIView):
    """Withdraw the application (the applicant only; from any state the lifecycle allows)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=WithdrawSerializer, responses={200: StateSerializer, **REFUSALS})
    def post(self, request: Request, pk: int) -> Response:
        application = _application(request, pk)
        if not request.user.has_perm("applications.withdraw_application", application):
            raise Refused("not_allowed", _("Only the applicant withdraws an application."), status.HTTP_403_FORBIDDEN)
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            withdraw_application(application=application, actor=acting_user(request), reason=data.validated_data["reason"])
        except DomainError as exc:
            raise _domain(exc) from exc
        return Response(StateSerializer({"id": application.pk, "state": application.state}).data)
