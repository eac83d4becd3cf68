"""People and roles of a call (issue 16): the program's roles, the reviewer pool, the institution
officers of the organisations applying, with invitations by e-mail, revocation and the audit log
of each grant and revocation.  Appointing institution officers is an administrator's page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Membership, Organisation
from shenbao.accounts.services.officers import APPOINTED, REVOKED, appoint_institution_officer, revoke_institution_officer
from shenbao.applications.models import Application
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call, ProgramRole
from shenbao.calls.services.people import invite_to_program_role, withdraw_program_role
from shenbao.core.audit import describe
from shenbao.core.errors import DomainError
from shenbao.core.queries.audit import audit_entries
from shenbao.reviews.models import Assignment, PoolMember
from shenbao.reviews.services.pool import invite_reviewer, remove_from_pool
from shenbao.web.common import acting_user, call_for

PAGE_SIZE = 50
#: The grants and revocations the people page shows the log of.
PEOPLE_ACTIONS = (
    "shenbao.program_role.granted",
    "shenbao.program_role.revoked",
    "shenbao.review.reviewer_invited",
    "shenbao.review.invitation_accepted",
    "shenbao.review.invitation_declined",
    "shenbao.review.reviewer_removed",
)
#: Organisations of the call's applications listed on the page (the full list is the administrator's).
MAX_ORGANISATIONS = 100


def _call(request: HttpRequest, code: str) -> Call:
    return call_for(request, code, "calls.manage_people")


def _link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _log(objects: list[Any], actions: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for entry in audit_entries(objects, actions=actions)[:PAGE_SIZE]:
        data = entry.data or {}
        role = data.get("role", "")
        rows.append(
            {
                "entry": entry,
                "text": describe(entry),
                "person": data.get("user") or data.get("email") or "",
                "role": ProgramRoleKind(role).label if role in ProgramRoleKind.values else role,
            }
        )
    return rows


@login_required
def call_people(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    roles = ProgramRole.objects.filter(program=call.program).select_related("user").order_by("role", "user__email")
    pool = (
        PoolMember.objects.filter(call=call)
        .select_related("user")
        .annotate(
            has_assignments=Exists(Assignment.objects.filter(stage__call_id=OuterRef("call_id"), reviewer_id=OuterRef("user_id")))
        )
        .order_by("status", "user__email")
    )
    officers = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(role=MembershipRole.OFFICER, end_date__isnull=True).select_related("user"),
        to_attr="officers",
    )
    organisations = (
        Organisation.objects.filter(pk__in=Application.objects.filter(call=call).values("lead_organisation_id"))
        .prefetch_related(officers)
        .order_by("pk")[:MAX_ORGANISATIONS]
    )
    context = {
        "call": call,
        "roles": roles,
        "role_kinds": ProgramRoleKind.choices,
        "pool": Paginator(pool, PAGE_SIZE).get_page(request.GET.get("page")),
        "organisations": organisations,
        "max_organisations": MAX_ORGANISATIONS,
        "may_appoint_officers": request.user.has_perm("accounts.manage_institution_officers"),
        "log": _log([call.program, call], PEOPLE_ACTIONS),
    }
    return render(request, "web/staff/workspace/people.html", context)


def _email(request: HttpRequest) -> str:
    email = request.POST.get("email", "").strip()
    return email if "@" in email and len(email) <= 254 else ""


@login_required
@require_POST
def role_invite(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    email = _email(request)
    role = request.POST.get("role", "")
    if not email or role not in ProgramRoleKind.values:
        messages.error(request, _("Enter an e-mail address and choose a role."))
        return redirect("web:call_people", code=call.code)
    _role, created = invite_to_program_role(
        program=call.program,
        email=email,
        name=request.POST.get("name", "").strip()[:100],
        role=role,
        actor=acting_user(request),
        link_base=_link_base(request),
    )
    if created:
        messages.success(request, _("%(email)s now holds the role; an e-mail tells them.") % {"email": email})
    else:
        messages.info(request, _("%(email)s already holds this role; nothing was changed.") % {"email": email})
    return redirect("web:call_people", code=call.code)


@login_required
@require_POST
def role_revoke(request: HttpRequest, code: str, role_pk: int) -> HttpResponse:
    call = _call(request, code)
    role = ProgramRole.objects.filter(program=call.program, pk=role_pk).first()
    if role is None:
        messages.error(request, _("This role was already revoked; nothing was changed."))
        return redirect("web:call_people", code=call.code)
    try:
        withdraw_program_role(program_role=role, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The role was revoked."))
    return redirect("web:call_people", code=call.code)


@login_required
@require_POST
def pool_invite_here(request: HttpRequest, code: str) -> HttpResponse:
    call = _call(request, code)
    if not request.user.has_perm("reviews.manage_pool", call):
        raise Http404
    email = _email(request)
    if not email:
        messages.error(request, _("Enter the expert's e-mail address."))
        return redirect("web:call_people", code=call.code)
    invite_reviewer(
        call=call,
        email=email,
        name=request.POST.get("name", "").strip()[:100],
        actor=acting_user(request),
        link_base=_link_base(request),
    )
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
    return redirect("web:call_people", code=call.code)


@login_required
@require_POST
def pool_remove(request: HttpRequest, code: str, member_pk: int) -> HttpResponse:
    call = _call(request, code)
    member = PoolMember.objects.filter(call=call, pk=member_pk).first()
    if member is None:
        messages.error(request, _("This expert is no longer in the pool; nothing was changed."))
        return redirect("web:call_people", code=call.code)
    try:
        remove_from_pool(member=member, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The expert was taken out of the pool."))
    return redirect("web:call_people", code=call.code)


def _require_officer_admin(request: HttpRequest) -> None:
    if not request.user.has_perm("accounts.manage_institution_officers"):
        raise PermissionDenied(_("Only an administrator appoints institution officers."))


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    _require_officer_admin(request)
    search = request.GET.get("q", "").strip()[:100]
    organisations = Organisation.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(role=MembershipRole.OFFICER, end_date__isnull=True).select_related("user"),
            to_attr="officers",
        )
    ).order_by("pk")
    if search:
        organisations = organisations.filter(
            Q(**{"name__zh-hans__icontains": search}) | Q(name__en__icontains=search) | Q(credit_code__icontains=search)
        )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({"q": search}) if search else ""
    return render(request, "web/staff/workspace/organisations.html", {"page": page, "q": search, "query": query})


def _organisation(pk: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Http404(_("No such organisation."))
    return organisation


@login_required
def organisation_officers(request: HttpRequest, pk: int) -> HttpResponse:
    _require_officer_admin(request)
    organisation = _organisation(pk)
    if request.method == "POST":
        email = _email(request)
        if not email:
            messages.error(request, _("Enter the officer's e-mail address."))
        else:
            _m, created = appoint_institution_officer(
                organisation=organisation,
                email=email,
                name=request.POST.get("name", "").strip()[:100],
                actor=acting_user(request),
                link_base=_link_base(request),
            )
            if created:
                messages.success(request, _("%(email)s is now an institution officer; an e-mail tells them.") % {"email": email})
            else:
                messages.info(request, _("%(email)s is already an institution officer; nothing was changed.") % {"email": email})
        return redirect("web:organisation_officers", pk=organisation.pk)
    officers = (
        Membership.objects.filter(organisation=organisation, role=MembershipRole.OFFICER)
        .select_related("user")
        .order_by("end_date", "user__email")
    )
    context = {"organisation": organisation, "officers": officers, "log": _log([organisation], (APPOINTED, REVOKED))}
    return render(request, "web/staff/workspace/organisation.html", context)


@login_required
@require_POST
def officer_revoke(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    _require_officer_admin(request)
    organisation = _organisation(pk)
    membership = Membership.objects.filter(organisation=organisation, pk=membership_pk).first()
    if membership is None:
        raise Http404
    try:
        revoke_institution_officer(membership=membership, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The appointment was revoked."))
    return redirect("web:organisation_officers", pk=organisation.pk)
