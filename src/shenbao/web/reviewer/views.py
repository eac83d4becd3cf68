"""Reviewer pages: invitations to a call's pool, the assignments, the review form, conflict declarations."""

from __future__ import annotations

from typing import Any

from allauth.account.utils import perform_login
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shenbao.applications.models import Attachment
from shenbao.calls.definition.schema import FieldType, FormField
from shenbao.core.errors import DomainError
from shenbao.documents.describe import budget_grid
from shenbao.documents.layout.spec import FieldSpec, Kind, budget_summary
from shenbao.projects.queries import report_reviews_of
from shenbao.reviews.enums import PoolStatus, ReviewState
from shenbao.reviews.models import Assignment, DocumentAccess, PoolMember
from shenbao.reviews.queries.discussion import Thread, thread_allows
from shenbao.reviews.queries.response import response_to, review_revisions
from shenbao.reviews.queries.reviewer import (
    assignments_of,
    attachment_readable,
    get_assignment_for,
    other_reviews,
    review_of,
    submitted_view,
)
from shenbao.reviews.queries.stages import stage_definition
from shenbao.reviews.services.pool import answer_pool_invitation, declare_conflict
from shenbao.reviews.services.reading import record_document_access
from shenbao.reviews.services.response import revision_open
from shenbao.reviews.services.reviews import save_and_submit_review, save_review, submit_review
from shenbao.web.common import acting_user, int_param, stored_file_response


def _shown(field: FormField, value: Any) -> Any:
    """A form value as a reviewer reads it: a budget table as one line per row with its amounts and total."""
    if field.type != FieldType.BUDGET:
        return value
    grid = budget_grid(field, get_language() or "zh-hans")
    return budget_summary(FieldSpec(code=field.code, label="", kind=Kind.BUDGET, budget=grid), value)


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    context = {"assignments": list(assignments_of(request.user)), "report_reviews": list(report_reviews_of(request.user))}
    return render(request, "web/reviewer/my_reviews.html", context)


def pool_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept or decline an invitation to review.  A new expert sets a password here: the link was
    sent to their address, which proves it is theirs.  The link is one factor only: an account with a
    second factor (TOTP) never gets a password from it, and every log-in here goes through the log-in
    library's steps, so whoever has a second factor is asked for it before any answer is taken."""
    member = PoolMember.objects.select_related("call", "user").filter(token=token).first()
    if member is None:
        raise Http404(_("This invitation link is not valid."))
    needs_password = (
        not request.user.is_authenticated
        and not member.user.has_usable_password()
        and member.status == PoolStatus.INVITED
        and not is_mfa_enabled(member.user)
    )
    error = None
    if request.method == "POST" and needs_password and request.POST.get("answer") == "decline":
        # Declining needs no account: the link reached the invited address.
        try:
            answer_pool_invitation(token=token, accept=False, user=member.user)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Thank you; your answer was recorded."))
            return redirect("web:call_list")
    elif request.method == "POST":
        if needs_password:
            password = request.POST.get("password", "")
            try:
                validate_password(password, member.user)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                member.user.set_password(password)
                member.user.save(update_fields=["password"])
                answer_page: HttpResponse = perform_login(request, member.user, redirect_url=request.path)
                if not request.user.is_authenticated:
                    return answer_page  # a log-in step (a second factor) comes first; it leads back here
        if error is None and request.user.is_authenticated:
            try:
                answer_pool_invitation(token=token, accept=request.POST.get("answer") == "accept", user=acting_user(request))
            except DomainError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Thank you; your answer was recorded."))
                return redirect("web:my_reviews")
        elif error is None:
            return redirect(f"{reverse('web:login')}?next={request.path}")
    return render(
        request,
        "web/reviewer/invitation.html",
        {"member": member, "needs_password": needs_password, "error": error},
        status=400 if error else 200,
    )


def _assignment_or_404(request: HttpRequest, pk: int, permission: str = "reviews.view_assignment") -> Assignment:
    assignment = get_assignment_for(request.user, pk)
    if assignment is None or not request.user.has_perm(permission, assignment):
        raise Http404(_("No such assignment."))
    return assignment


def _scores_from(request: HttpRequest, assignment: Assignment) -> tuple[dict[str, float | None], list[str]]:
    """Scores from the form: a number per criterion, or "not applicable"; unreadable numbers are problems."""
    scores: dict[str, float | None] = {}
    problems = []
    for criterion in stage_definition(assignment.stage).criteria:
        if request.POST.get(f"na-{criterion.code}"):
            scores[criterion.code] = None
            continue
        raw = request.POST.get(f"score-{criterion.code}", "").strip()
        if not raw:
            continue
        try:
            scores[criterion.code] = float(raw)
        except ValueError:
            problems.append(_("“%(value)s” is not a number.") % {"value": raw})
    return scores, problems


def _context(request: HttpRequest, assignment: Assignment, **extra: Any) -> dict[str, Any]:
    definition = stage_definition(assignment.stage)
    review = review_of(assignment)
    may_see = request.user.has_perm("reviews.see_other_reviews", assignment)
    criteria = [
        {
            "code": c.code,
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "min": c.scale_min,
            "max": c.scale_max,
            "na_allowed": c.not_applicable_allowed,
            "value": review.scores.get(c.code, ""),
            "na": c.code in review.scores and review.scores[c.code] is None,
        }
        for c in definition.criteria
    ]
    from shenbao.web.reviewer.reading import reader_documents

    application = submitted_view(assignment)
    application["fields"] = [{**f, "value": _shown(f["field"], f["value"])} for f in application["fields"]]
    own = assignment.reviewer_id == request.user.pk
    submitted = review.state == ReviewState.SUBMITTED
    return {
        "assignment": assignment,
        "stage": definition,
        "review": review,
        "criteria": criteria,
        "submitted": submitted,
        "application": application,
        "others": other_reviews(assignment) if may_see else None,
        "discussion_open": _discussion_open(request, assignment),
        "reader": reader_documents(assignment, application["attachments"]),
        # The applicant's answer to the reviews (答辩), and whether the reviewer may revise now.  The
        # answer speaks to the other reviews, so a reviewer reads it only once their own is submitted
        # (a reviewer added late is not anchored by it); staff read it on any review.
        "response": response_to(assignment.stage, assignment.application_id) if submitted or not own else None,
        "may_revise": own and submitted and revision_open(assignment),
        "revisions": review_revisions(review) if request.user.has_perm("reviews.see_review_revisions", assignment) else None,
        **extra,
    }


def _discussion_open(request: HttpRequest, assignment: Assignment) -> bool:
    thread = Thread(assignment.stage, assignment.application)
    return thread_allows(request.user, "reviews.view_discussion", thread) or thread_allows(
        request.user, "reviews.view_panel_opinion", thread
    )


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_or_404(request, pk)
    return render(request, "web/reviewer/assignment.html", _context(request, assignment))


@login_required
@require_POST
def assignment_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Autosave (htmx) and the form's own buttons: save the draft, or save and submit in one step."""
    assignment = _assignment_or_404(request, pk, "reviews.review")
    scores, problems = _scores_from(request, assignment)
    confidence_raw = request.POST.get("confidence", "").strip()
    submitting = request.POST.get("action") == "submit"
    error = None
    version = int_param(request.POST.get("version", "0") or "0")
    if version is None:
        error = str(_("The page is out of date; reload it."))
    elif problems:
        error = " ".join(problems)
    else:
        service = save_and_submit_review if submitting else save_review
        try:
            service(
                assignment=assignment,
                actor=acting_user(request),
                expected_version=version,
                scores=scores,
                confidence=int(confidence_raw) if confidence_raw.isdecimal() else None,
                comment_to_applicant=request.POST.get("comment_to_applicant", ""),
                comment_to_staff=request.POST.get("comment_to_staff", ""),
            )
        except DomainError as exc:
            error = str(exc)
    if request.htmx and not submitting:  # type: ignore[attr-defined]
        # 200 even for a refusal, so htmx shows it; the version is only refreshed after a real save.
        return render(request, "web/reviewer/_save_status.html", {"review": review_of(assignment), "error": error})
    if error:
        messages.error(request, error)
    elif submitting:
        messages.success(request, _("Your review was submitted. Thank you."))
    else:
        messages.success(request, _("Draft saved."))
    return redirect("web:assignment", pk=assignment.pk)


@login_required
@require_POST
def assignment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_or_404(request, pk, "reviews.review")
    try:
        submit_review(assignment=assignment, actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your review was submitted. Thank you."))
    return redirect("web:assignment", pk=assignment.pk)


@login_required
@require_POST
def assignment_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment_or_404(request, pk, "reviews.review")
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Say briefly what the conflict is."))
        return redirect("web:assignment", pk=assignment.pk)
    declare_conflict(assignment=assignment, reason=reason, actor=acting_user(request))
    messages.success(request, _("Conflict recorded; this application was withdrawn from you and will be reassigned."))
    return redirect("web:my_reviews")


@login_required
def assignment_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    assignment = _assignment_or_404(request, pk)
    attachment = Attachment.objects.filter(application_id=assignment.application_id, pk=attachment_pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    if not attachment_readable(assignment, attachment):
        return render(
            request,
            "web/error.html",
            {"status": 403, "title": _("Document withheld"), "detail": WITHHELD_REASON},
            status=403,
        )
    response = stored_file_response(attachment.file, attachment.original_name or "document")
    record_document_access(
        user=acting_user(request), assignment=assignment, mode=DocumentAccess.Mode.DOWNLOAD, attachment=attachment
    )
    return response


WITHHELD_REASON = gettext_lazy(
    "This stage hides the applicant's identity, and the call does not mark this document as free of it. "
    "Read the blinded application PDF instead."
)


@login_required
def assignment_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The submitted revision as a PDF for the reviewer: blinded where the stage hides the applicant."""
    from shenbao.web.reviewer.reading import revision_pdf_name

    assignment = _assignment_or_404(request, pk)
    stored, name = revision_pdf_name(assignment)
    response = stored_file_response(stored, name, "application/pdf", whole=True)
    record_document_access(user=acting_user(request), assignment=assignment, mode=DocumentAccess.Mode.DOWNLOAD, document=name)
    return response
