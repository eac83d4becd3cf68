"""The applicant's pages: register, profile, start and edit an application, team, partners,
attachments, the live eligibility panel, submit and withdraw."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.accounts.enums import EmploymentType, MembershipRole, OrgType, Position
from shenbao.accounts.models import Membership, Person
from shenbao.accounts.services.accounts import add_membership, create_organisation, update_profile
from shenbao.applications.enums import ApplicationState, InvitationStatus
from shenbao.applications.errors import EditConflict
from shenbao.applications.facts import check_application, missing_required_fields
from shenbao.applications.models import Application, Attachment, Partner, TeamMember
from shenbao.applications.queries.access import applications_visible_to, get_application_for
from shenbao.applications.queries.window import submission_window
from shenbao.applications.services.drafts import save_draft, start_application
from shenbao.applications.services.formal_check import endorse_application
from shenbao.applications.services.parts import add_partner, attach_file, attach_share_link, remove_attachment, remove_partner
from shenbao.applications.services.submission import amend_submission, submit_application
from shenbao.applications.services.team import invite_team_member, remove_team_member, respond_to_invitation
from shenbao.awards.models import PublicNotice
from shenbao.awards.services.reconsideration import reconsideration_window
from shenbao.awards.services.withdrawal import may_withdraw, withdraw_application
from shenbao.calls.queries.definitions import current_definition
from shenbao.calls.queries.public import get_call_for_viewing
from shenbao.core.errors import DomainError
from shenbao.eligibility.engine import Outcome, summarise
from shenbao.eligibility.messages import OUTCOME_LABELS, result_text
from shenbao.projects.progress import progress_of, with_progress
from shenbao.reviews.models import ExclusionRequest
from shenbao.reviews.queries.discussion import texts_for_applicant
from shenbao.reviews.queries.response import windows_for
from shenbao.web.applicant.forms import (
    AttachmentDetailsForm,
    InviteForm,
    LinkForm,
    OrganisationForm,
    PartnerForm,
    ProfileForm,
    application_form,
    changes_from,
    file_fields,
    partner_fields,
    partner_networks,
)
from shenbao.web.common import acting_user, form_errors, own_time_zone, stored_file_response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    # An account made without a profile (createsuperuser, the demo admin) gets an empty form;
    # saving it creates the person (issue 13.8).
    person = Person.objects.filter(user=user).first()
    membership = Membership.objects.filter(user=user, end_date__isnull=True, is_primary=True).first()
    initial: dict[str, Any] = {
        "name": user.display_name,
        "organisation": membership.organisation if membership else None,
    }
    if person is not None:
        initial |= {
            "name": person.name,
            "name_en": person.name_en,
            "birth_date": person.birth_date,
            "position": person.position,
            "title": person.title,
            "employment_type": person.employment_type,
            "in_station_postdoc": person.in_station_postdoc,
            "overseas_employment": person.overseas_employment,
            "expertise_keywords": ", ".join(person.expertise_keywords),
            "expertise_text": person.expertise_text,
            "time_zone": person.time_zone,
        }
    form = ProfileForm(request.POST or None, initial=initial, prefix="p")
    org_form = (
        OrganisationForm(request.POST or None, prefix="o")
        if request.POST.get("o-name_zh") or request.POST.get("o-name_en")
        else OrganisationForm(prefix="o")
    )
    if request.method == "POST" and form.is_valid():
        if org_form.is_bound and not org_form.is_valid():
            return render(request, "web/applicant/profile.html", {"form": form, "org_form": org_form}, status=400)
        with transaction.atomic():
            data = form.cleaned_data
            update_profile(
                user=user,
                name=data["name"],
                name_en=data["name_en"],
                birth_date=data["birth_date"],
                position=Position(data["position"]),
                title=data["title"],
                employment_type=EmploymentType(data["employment_type"]),
                in_station_postdoc=data["in_station_postdoc"],
                overseas_employment=data["overseas_employment"],
                expertise_keywords=[k.strip() for k in data["expertise_keywords"].replace("，", ",").split(",") if k.strip()],
                expertise_text=data["expertise_text"],
                time_zone=data["time_zone"],
            )
            organisation = data["organisation"]
            if org_form.is_bound:
                o = org_form.cleaned_data
                name = {k: v for k, v in (("zh-hans", o["name_zh"]), ("en", o["name_en"])) if v}
                organisation = create_organisation(
                    name=name, type=OrgType(o["type"]), country=o["country"], credit_code=o["credit_code"], actor=user
                )
            if organisation is not None and (membership is None or membership.organisation_id != organisation.pk):
                if membership is not None:
                    membership.end_date = timezone.localdate()
                    membership.is_primary = False
                    membership.save(update_fields=["end_date", "is_primary"])
                add_membership(
                    user=user, organisation=organisation, role=MembershipRole.MEMBER, start_date=timezone.localdate(), actor=user
                )
        messages.success(request, _("Your profile was saved."))
        return redirect("web:profile")
    return render(request, "web/applicant/profile.html", {"form": form, "org_form": org_form}, status=400 if form.errors else 200)


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    mine = Q(applicant=acting_user(request)) | Q(team__user=request.user, team__status=InvitationStatus.ACCEPTED)
    found = with_progress(applications_visible_to(request.user).filter(mine).distinct().order_by("-created_at"))
    rows = [(application, progress_of(application), application.applicant_id == request.user.pk) for application in found]
    return render(request, "web/applicant/my_applications.html", {"rows": rows, "own_zone": own_time_zone(request.user)})


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    call = get_call_for_viewing(request.user, code)
    if call is None:
        raise Http404(_("No such call."))
    directions = list(call.directions.all())
    if request.method == "POST":
        direction = next((d for d in directions if str(d.pk) == request.POST.get("direction")), None)
        if directions and direction is None:
            messages.error(request, _("Choose a direction."))
        else:
            membership = Membership.objects.filter(user=acting_user(request), end_date__isnull=True, is_primary=True).first()
            try:
                application = start_application(
                    call=call,
                    direction=direction,
                    applicant=acting_user(request),
                    lead_organisation=membership.organisation if membership else None,
                )
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                return redirect("web:application", pk=application.pk)
    window = submission_window(call, acting_user(request))
    return render(
        request, "web/applicant/apply.html", {"call": call, "directions": directions, "window": window, "open": window.is_open}
    )


def _application_or_404(request: HttpRequest, pk: int) -> Application:
    application = get_application_for(request.user, pk)
    if application is None:
        raise Http404(_("No such application."))
    return application


def _application_for(request: HttpRequest, pk: int, permission: str) -> Application:
    """The application if the user may see it and holds ``permission`` on it; else 404."""
    application = _application_or_404(request, pk)
    if not request.user.has_perm(permission, application):
        raise Http404
    return application


def _eligibility_context(application: Application) -> dict[str, Any]:
    language = translation.get_language()
    missing = [f.label.get(language) for f in missing_required_fields(application)]
    results = check_application(application)
    rows = [
        {"code": r.code, "outcome": r.outcome.value, "label": str(OUTCOME_LABELS[r.outcome]), "text": result_text(r)}
        for r in results
    ]
    summary = summarise(results)
    # The server's question, asked by the page: a correction asked for at the formal check may be
    # resubmitted after the deadline; anything else needs the window (or the applicant's token).
    window = submission_window(application.call, application.applicant)
    in_time = application.state == ApplicationState.RETURNED or window.is_open
    return {
        "eligibility": rows,
        "summary": summary,
        "missing_fields": missing,
        "window": window,
        "in_time": in_time,
        "can_submit": summary.can_submit and not missing and in_time,
        "blocking": [r for r in results if r.outcome == Outcome.FAIL],
    }


def _released_texts(request: HttpRequest, application: Application) -> dict[str, list[str]] | None:
    """The panel opinions and the chair's statements the stages release, shown to the applicant once
    the results are published (as in their decision letter)."""
    if request.user.pk != application.applicant_id or not PublicNotice.objects.filter(call_id=application.call_id).exists():
        return None
    texts = texts_for_applicant(application, translation.get_language() or "zh-hans")
    return texts if any(texts.values()) else None


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    definition = current_definition(application.call)
    can_edit = request.user.has_perm("applications.change_application", application)
    can_amend = (
        request.user.has_perm("applications.amend_application", application)
        and submission_window(application.call, application.applicant).is_open
    )
    direction = application.direction.code if application.direction else None
    documents = [d for d in definition.required_documents if not d.directions or direction in d.directions]
    attachments = list(application.attachments.all())
    context = {
        "application": application,
        "call": application.call,
        "form": application_form(definition, application) if can_edit or can_amend else None,
        "can_edit": can_edit,
        "can_amend": can_amend,
        "can_endorse": request.user.has_perm("applications.endorse_application", application),
        "can_see_notes": request.user.has_perm("reviews.view_internal_notes", application),
        "released_texts": _released_texts(request, application),
        "can_withdraw": request.user.has_perm("applications.withdraw_application", application) and may_withdraw(application)[0],
        "documents": documents,
        "attachments": attachments,
        "file_fields": file_fields(definition, application, attachments),
        "team": list(application.team.all()),
        "partners": list(application.partners.all()),
        "invite_form": InviteForm(),
        "partner_form": PartnerForm(networks=partner_networks(definition, direction)),
        "submit_key": secrets.token_urlsafe(16),
        "revisions": list(application.revisions.order_by("-number")),
        "decisions": list(application.formal_checks.all()),
        "endorsements": list(application.endorsements.all()),
        "exclusions_max": definition.review_policy.exclusions_max,
        "exclusions": list(ExclusionRequest.objects.filter(application=application).order_by("pk")),
        "reconsideration_window": reconsideration_window(application) if request.user.pk == application.applicant_id else None,
        "reconsiderations": list(application.reconsiderations.order_by("requested_at")),
        "progress": progress_of(application),
        "is_pi": request.user.pk == application.applicant_id,
        "response_windows": windows_for(application) if request.user.pk == application.applicant_id else [],
        "own_zone": own_time_zone(request.user),
        **_eligibility_context(application),
    }
    return render(request, "web/applicant/application.html", context)


@login_required
@require_POST
def application_save(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    if not request.user.has_perm("applications.change_application", application):
        return HttpResponse(_("You cannot change this application."), status=403)
    definition = current_definition(application.call)
    form = application_form(definition, application, data=request.POST)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponseBadRequest(_("The page is out of date; reload it."))
    status = 200
    errors: list[str] = []
    if not form.is_valid():
        message, status = _("Not saved: correct the marked fields."), 400
        # Each refusal named with its field (a budget table's names the line and the source too).
        errors = [
            f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
            for name, field_errors in form.errors.items()
            for error in field_errors
        ]
    else:
        try:
            application = save_draft(
                application=application,
                changes=changes_from(form, definition),
                expected_version=version,
                actor=acting_user(request),
            )
            message = _("Saved at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M:%S")}
        except EditConflict as exc:
            message, status = str(exc), 409
        except DomainError as exc:
            message, status = str(exc), 400
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "web/applicant/_save_status.html",
            {
                "message": message,
                "errors": errors,
                "status": status,
                "application": application,
                "can_edit": True,
                "submit_key": secrets.token_urlsafe(16),
                **_eligibility_context(application),
            },
            status=status,
        )
    if status == 200:
        messages.success(request, message)
    else:
        messages.error(request, message)
        for error in errors:
            messages.error(request, error)
    return redirect("web:application", pk=application.pk)


@login_required
def application_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    return render(request, "web/applicant/_eligibility.html", {"application": application, **_eligibility_context(application)})


def _back(request: HttpRequest, application: Application, error: str | None = None, ok: str | None = None) -> HttpResponse:
    if error:
        messages.error(request, error)
    if ok:
        messages.success(request, ok)
    return redirect(reverse("web:application", kwargs={"pk": application.pk}) + request.POST.get("anchor", ""))


@login_required
@require_POST
def application_attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    attachment = Attachment.objects.filter(application=application, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    try:
        remove_attachment(attachment=attachment, actor=acting_user(request))
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("The document was removed."))


@login_required
def application_attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """The uploaded file, for whoever may see the application (applicant, team, officers)."""
    application = _application_or_404(request, pk)
    attachment = Attachment.objects.filter(application=application, pk=attachment_pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    return stored_file_response(attachment.file, attachment.original_name or "document")


@login_required
@require_POST
def application_invite(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _back(request, application, error=form_errors(form))
    try:
        invite_team_member(
            application=application,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            role=form.cleaned_data["role"],
            presenter=form.cleaned_data["presenter"],
            actor=acting_user(request),
            link_base=request.build_absolute_uri("/").rstrip("/"),
        )
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})


@login_required
@require_POST
def application_team_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    member = TeamMember.objects.filter(application=application, pk=member_pk).first()
    if member is None:
        raise Http404
    try:
        remove_team_member(member=member, actor=acting_user(request))
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("%(email)s was taken off the team.") % {"email": member.email})


@login_required
@require_POST
def application_partner(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    if request.POST.get("remove"):
        remove = request.POST["remove"]
        partner = Partner.objects.filter(application=application, pk=int(remove)).first() if remove.isdecimal() else None
        if partner is not None:
            remove_partner(partner=partner, actor=acting_user(request))
        return _back(request, application, ok=_("The partner was removed."))
    definition = current_definition(application.call)
    networks = partner_networks(definition, application.direction.code if application.direction else None)
    form = PartnerForm(request.POST, networks=networks)
    if not form.is_valid():
        return _back(request, application, error=form_errors(form))
    try:
        add_partner(application=application, actor=acting_user(request), **partner_fields(form.cleaned_data))
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("The partner was added."))


@login_required
@require_POST
def application_attach(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.change_application")
    code = request.POST.get("document", "")
    try:
        if request.POST.get("url"):
            link = LinkForm(request.POST)
            if not link.is_valid():
                return _back(request, application, error=form_errors(link))
            attach_share_link(
                application=application, document_code=code, url=link.cleaned_data["url"], actor=acting_user(request)
            )
        else:
            upload = request.FILES.get("file")
            if upload is None:
                return _back(request, application, error=_("Choose a file to upload."))
            details = AttachmentDetailsForm(request.POST)
            if not details.is_valid():
                return _back(request, application, error=form_errors(details))
            attach_file(
                application=application,
                document_code=code,
                name=upload.name or "upload",
                stream=upload,
                size=upload.size or 0,
                actor=acting_user(request),
                signed_on=details.cleaned_data["signed_on"],
                key=details.cleaned_data["key"],
            )
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("The document was attached."))


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    if application.applicant_id != request.user.pk:
        raise Http404
    try:
        result = submit_application(application=application, actor=acting_user(request), key=request.POST.get("key", ""))
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    if result.created:
        message = _("Submitted. Receipt number %(receipt)s (revision %(revision)s); a receipt was e-mailed to you.") % {
            "receipt": result.application.receipt_number,
            "revision": result.revision,
        }
    else:
        message = _("This application was already submitted (receipt number %(receipt)s).") % {
            "receipt": result.application.receipt_number
        }
    return _back(request, application, ok=message)


@login_required
@require_POST
def application_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """A change after submission, while the call allows it: a new revision with a reason."""
    application = _application_for(request, pk, "applications.amend_application")
    definition = current_definition(application.call)
    form = application_form(definition, application, data=request.POST)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        return _back(request, application, error=_("Say why you change the submitted application."))
    if not form.is_valid():
        return _back(request, application, error=form_errors(form))
    try:
        number = amend_submission(
            application=application, actor=acting_user(request), changes=changes_from(form, definition), reason=reason
        )
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("Saved as revision %(revision)s.") % {"revision": number})


@login_required
@require_POST
def application_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.endorse_application")
    try:
        endorse_application(application=application, actor=acting_user(request), note=request.POST.get("note", ""))
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("The application was endorsed for the institution."))


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "applications.withdraw_application")
    try:
        withdraw_application(application=application, actor=acting_user(request), reason=request.POST.get("reason", ""))
    except DomainError as exc:
        return _back(request, application, error=str(exc))
    return _back(request, application, ok=_("The application was withdrawn."))


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    member = TeamMember.objects.select_related("application__call", "application__applicant").filter(token=token).first()
    if member is None:
        raise Http404(_("This invitation does not exist."))
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('web:login')}?next={request.path}")
        try:
            respond_to_invitation(token=token, accept=request.POST.get("answer") == "accept", user=acting_user(request))
        except DomainError as exc:
            messages.error(request, str(exc))
        member.refresh_from_db()
    return render(request, "web/applicant/invitation.html", {"member": member})
