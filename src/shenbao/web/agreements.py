"""Agreement pages: the parties confirm on line, the PI may decline the award, staff file signed
copies, decide overdue agreements and see who is late."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from shenbao.agreements.enums import FORFEIT_CAUSES, AgreementStatus, DelayCause
from shenbao.agreements.models import Agreement, AgreementTemplate
from shenbao.agreements.queries import agreement_warnings, call_agreement_list
from shenbao.agreements.services.agreements import agreement_terms, confirm_agreement, record_signed_copy, waiting_for
from shenbao.agreements.services.budget import approve_budget, approved_table, budget_field, requested_table
from shenbao.agreements.services.overdue import extend_agreement, forfeit_agreement, record_delay_cause
from shenbao.agreements.services.reserves import decline_award
from shenbao.agreements.services.text import DOCX_TYPE, PLACEHOLDERS, generate_text, upload_template
from shenbao.calls.definition.budget import BudgetSpec, FundingSource, format_amount, unit_label
from shenbao.core.errors import DomainError
from shenbao.projects.queries import agreement_amendments
from shenbao.web.applicant.budget import BudgetField, budget_totals_text
from shenbao.web.common import acting_user, call_for, file_response, stored_file_response
from shenbao.web.lists import paginate, sort_columns, sorted_query

PARTY_LABELS = {
    "pi": gettext_lazy("the PI"),
    "institution": gettext_lazy("the institution"),
    "funder": gettext_lazy("the funder"),
    "partner": gettext_lazy("the partner"),
}


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    agreement = (
        Agreement.objects.select_related(
            "award__application__applicant", "award__call__program", "award__application__lead_organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if agreement is None or not request.user.has_perm("agreements.view_agreement", agreement):
        raise Http404(_("No such agreement."))
    return agreement


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    user = request.user
    terms = agreement_terms(agreement.award.call)
    context = {
        "agreement": agreement,
        "terms": terms,
        "ip_ownership": terms.ip_ownership.as_dict() if terms and terms.ip_ownership else None,
        "notes": [n.as_dict() for n in terms.notes] if terms else [],
        "parties": [str(PARTY_LABELS[p]) for p in (terms.parties if terms else [])],
        "offered": "offered_instead_of" in agreement.award.explanation,
        "days_left": agreement.days_left(timezone.localdate()),
        "may_pi": user.has_perm("agreements.confirm_as_pi", agreement) and agreement.pi_confirmed_at is None,
        "may_institution": user.has_perm("agreements.confirm_as_institution", agreement)
        and agreement.institution_confirmed_at is None,
        "may_staff": user.has_perm("agreements.record_signed_copy", agreement),
        "may_funder": user.has_perm("agreements.record_signed_copy", agreement) and agreement.funder_confirmed_at is None,
        "may_decline": user.has_perm("agreements.decline", agreement)
        and agreement.status in (AgreementStatus.PENDING, AgreementStatus.OVERDUE),
        "may_decide": user.has_perm("agreements.decide_overdue", agreement) and agreement.status == AgreementStatus.OVERDUE,
        "may_generate": user.has_perm("agreements.record_signed_copy", agreement)
        and agreement.status in (AgreementStatus.PENDING, AgreementStatus.OVERDUE)
        and not (agreement.pi_confirmed_at or agreement.institution_confirmed_at or agreement.funder_confirmed_at),
        "causes": DelayCause.choices,
        "may_forfeit": agreement.delay_cause in FORFEIT_CAUSES,
        "may_extend": bool(agreement.delay_cause) and agreement.delay_cause not in FORFEIT_CAUSES,
        "approved_budget": _approved_budget(agreement),
        "may_approve_budget": user.has_perm("agreements.approve_budget", agreement) and _budget_open(agreement),
        "amendments": list(agreement_amendments(agreement.pk)),
    }
    return render(request, "web/agreements/agreement.html", context)


def _budget_open(agreement: Agreement) -> bool:
    """The approved budget can still be set: nobody has confirmed the agreement (which carries it)."""
    return not any(
        (agreement.pi_confirmed_at, agreement.institution_confirmed_at, agreement.funder_confirmed_at, agreement.signed_at)
    )


class ApprovedBudgetForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (required where the approved table differs from the one requested)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, spec: BudgetSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table"] = BudgetField(spec, label=gettext_lazy("Approved budget"))
        self.order_fields(["table", "reason"])


@login_required
def agreement_budget(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff set the approved budget (核定预算): the requested table adjusted to the amount awarded, with
    the reason; refused (translated, nothing lost) where the grant column misses the award."""
    agreement = _agreement(request, pk)
    if not request.user.has_perm("agreements.approve_budget", agreement):
        raise Http404(_("No such agreement."))
    field = budget_field(agreement)
    requested = requested_table(agreement)
    context: dict[str, Any] = {"agreement": agreement, "field": field, "open": _budget_open(agreement), "form": None}
    if field is not None:
        initial = agreement.approved_budget or agreement.award.application.values.get(field.code)
        if request.method == "POST" and context["open"]:
            form = ApprovedBudgetForm(request.POST, spec=field.budget_spec)
            if form.is_valid():
                try:
                    approve_budget(
                        agreement=agreement,
                        table=form.cleaned_data["table"],
                        reason=form.cleaned_data["reason"],
                        actor=acting_user(request),
                    )
                except DomainError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, _("The approved budget is saved; the agreement's text carries it when generated."))
                    return redirect("web:agreement", pk=agreement.pk)
        else:
            form = ApprovedBudgetForm(
                initial={"table": initial, "reason": agreement.approved_budget_reason}, spec=field.budget_spec
            )
        language = translation.get_language() or "zh-hans"
        context |= {
            "form": form,
            "requested_total": budget_totals_text(field.budget_spec, agreement.award.application.values.get(field.code), language)
            if requested
            else "",
        }
    return render(request, "web/agreements/budget.html", context)


def _approved_budget(agreement: Any) -> dict[str, Any] | None:
    """The approved table's grant per category (sub-lines indented) and total, in the reader's language."""
    approved = approved_table(agreement)
    if approved is None:
        return None
    field, table = approved
    language = translation.get_language() or "zh-hans"
    decimals = field.budget_spec.decimals
    grant = FundingSource.GRANT.value
    return {
        "unit": unit_label(table.unit, language),
        "rows": [
            {"label": r.label.get(language), "subline": r.subline, "amount": format_amount(r.amounts[grant], decimals)}
            for r in table.rows
        ],
        "total": format_amount(table.column_totals[grant], decimals),
        "reason": agreement.approved_budget_reason,
    }


@login_required
@require_POST
def agreement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    party = request.POST.get("party", "")
    permission = {
        "pi": "agreements.confirm_as_pi",
        "institution": "agreements.confirm_as_institution",
        "funder": "agreements.record_signed_copy",
    }.get(party)
    if permission is None or not request.user.has_perm(permission, agreement):
        raise Http404
    try:
        upload = request.FILES.get("signed_copy")
        if party == "funder" and upload is not None and upload.file is not None:
            done = record_signed_copy(agreement=agreement, stream=upload.file, name=upload.name or "", actor=acting_user(request))
        else:
            done = confirm_agreement(
                agreement=agreement, party=party, actor=acting_user(request), text_sha256=request.POST.get("text_sha256")
            )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if done.status == AgreementStatus.SIGNED:
            messages.success(request, _("Recorded: every party has confirmed, the agreement is signed."))
        else:
            waiting = ", ".join(str(PARTY_LABELS[p]) for p in waiting_for(done))
            messages.success(request, _("Recorded. Still waiting for: %(parties)s.") % {"parties": waiting})
    return redirect("web:agreement", pk=agreement.pk)


@login_required
@require_POST
def agreement_decline(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    if not request.user.has_perm("agreements.decline", agreement):
        raise Http404
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you give up the award."))
        return redirect("web:agreement", pk=agreement.pk)
    try:
        decline_award(agreement=agreement, reason=request.POST.get("reason", ""), actor=acting_user(request))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You declined the award; program staff are told."))
    return redirect("web:agreement", pk=agreement.pk)


@login_required
@require_POST
def agreement_overdue(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff decide an overdue agreement: record the cause, forfeit, or extend."""
    agreement = _agreement(request, pk)
    if not request.user.has_perm("agreements.decide_overdue", agreement):
        raise Http404
    actor = acting_user(request)
    action = request.POST.get("action", "")
    try:
        if action == "cause":
            record_delay_cause(
                agreement=agreement, cause=request.POST.get("cause", ""), note=request.POST.get("note", ""), actor=actor
            )
            messages.success(request, _("Cause of the delay recorded."))
        elif action == "forfeit":
            offered = forfeit_agreement(agreement=agreement, actor=actor)
            messages.success(request, _("The agreement is forfeited and the award revoked."))
            if offered is not None:
                messages.success(request, _("The award was offered to the next reserve."))
        elif action == "extend":
            try:
                day = dt.date.fromisoformat(request.POST.get("deadline", ""))
            except ValueError:
                raise DomainError(_("Give the new last day as a date."), code="extension_day") from None
            extend_agreement(agreement=agreement, deadline=day, reason=request.POST.get("reason", ""), actor=actor)
            messages.success(request, _("The last day is extended."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("web:agreement", pk=agreement.pk)


AGREEMENT_SORTS: dict[str, tuple[str, ...]] = {
    "title": ("award__application__title",),
    "receipt": ("award__application__receipt_number",),
    "deadline": ("deadline",),
    "status": ("status",),
    "reminded": ("reminded_on",),
}
AGREEMENT_SORT_LABELS = {
    "title": gettext_lazy("Project name"),
    "receipt": gettext_lazy("Receipt number"),
    "deadline": gettext_lazy("Sign by"),
    "status": gettext_lazy("Status"),
    "reminded": gettext_lazy("Last reminder"),
}


@login_required
def call_agreements(request: HttpRequest, code: str) -> HttpResponse:
    """The call's agreements: filtered by status and a search (kept in the URL), sorted, paged, and
    the overdue ones selected to be extended together."""
    call = call_for(request, code, "awards.select")
    status = request.GET.get("status") or None
    status = status if status in AgreementStatus.values else None
    search = request.GET.get("q", "").strip()[:200]
    rows, sort = sorted_query(request, call_agreement_list(call, status=status, search=search), AGREEMENT_SORTS, "deadline")
    context = {
        "call": call,
        "paging": paginate(request, rows),
        "sort": sort,
        "columns": sort_columns(request, sort, AGREEMENT_SORT_LABELS),
        "filters": {"status": status or "", "q": search},
        "statuses": AgreementStatus.choices,
        **agreement_warnings(call),
    }
    return render(request, "web/agreements/call_agreements.html", context)


@login_required
@require_POST
def call_agreements_extend(request: HttpRequest, code: str) -> HttpResponse:
    """Extend the selected overdue agreements to one new last day, each with the reason given."""
    call = call_for(request, code, "awards.select")
    query = request.POST.get("query", "")
    back = reverse("web:call_agreements", args=[call.code]) + (f"?{query}" if query else "")
    ids = [int(x) for x in request.POST.getlist("agreement") if x.isdecimal() and x.isascii()]
    chosen = [a for a in call_agreement_list(call).filter(pk__in=ids) if request.user.has_perm("agreements.decide_overdue", a)]
    if not chosen:
        messages.error(request, _("Select at least one agreement."))
        return redirect(back)
    try:
        day = dt.date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError:
        messages.error(request, _("Give the new last day as a date."))
        return redirect(back)
    done, refused = 0, []
    for agreement in chosen:
        try:
            extend_agreement(agreement=agreement, deadline=day, reason=request.POST.get("reason", ""), actor=acting_user(request))
        except DomainError as exc:
            refused.append(f"{agreement.award.application.receipt_number or agreement.pk}: {exc}")
        else:
            done += 1
    if done:
        messages.success(request, _("%(count)s agreement(s) extended.") % {"count": done})
    for text in refused:
        messages.error(request, text)
    return redirect(back)


@login_required
def agreement_text(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the agreement's generated text (.docx) for whoever may see the agreement.  POST: staff
    generate it from the call's template (refused once a party has confirmed)."""
    agreement = _agreement(request, pk)
    if request.method == "POST":
        if not request.user.has_perm("agreements.record_signed_copy", agreement):
            raise Http404
        try:
            done = generate_text(agreement=agreement, actor=acting_user(request))
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The agreement's text was generated. SHA-256: %(hash)s") % {"hash": done.text_sha256})
        return redirect("web:agreement", pk=agreement.pk)
    if not agreement.text:
        raise Http404(_("The agreement's text has not been generated yet."))
    with agreement.text.open("rb") as handle:
        data = handle.read()
    receipt = agreement.award.application.receipt_number or str(agreement.pk)
    return file_response(data, DOCX_TYPE, f"{receipt}-agreement-{agreement.text_sha256[:12]}.docx")


@login_required
@require_GET
def agreement_amendment(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    """An amendment (变更批复) of the agreement, for whoever may see the agreement: the current PI, the
    current institution's officers, the program's staff."""
    agreement = _agreement(request, pk)
    amendment = agreement_amendments(agreement.pk).filter(number=number).first()
    if amendment is None:
        raise Http404(_("No such amendment."))
    receipt = agreement.award.application.receipt_number or str(agreement.pk)
    return stored_file_response(amendment.file, f"{receipt}-amendment-{amendment.number}-{amendment.sha256[:12]}.docx", DOCX_TYPE)


@login_required
def call_agreement_template(request: HttpRequest, code: str) -> HttpResponse:
    """The call's agreement template: staff upload a Word file with placeholders; the page lists them."""
    call = call_for(request, code, "awards.select")
    if request.method == "POST":
        upload = request.FILES.get("template")
        if upload is None or upload.file is None:
            messages.error(request, _("Choose the Word (.docx) file of the template."))
        else:
            try:
                upload_template(call=call, stream=upload.file, actor=acting_user(request))
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The template was uploaded."))
        return redirect("web:call_agreement_template", code=call.code)
    template = AgreementTemplate.objects.filter(call=call).first()
    placeholders = [("{{" + key + "}}", label) for key, label in PLACEHOLDERS.items()]
    return render(request, "web/agreements/template.html", {"call": call, "template": template, "placeholders": placeholders})
