"""The approved budget (核定预算): at the award the amount granted may differ from the one requested,
so staff adjust the application's budget table to it, with the reason; the agreement carries that table
(its text's ``{{approved_budget}}``), an approved budget reallocation (项目变更) replaces it, and the
reports give the spending against it by category.

The table is stored in the budget field's own format (``clean_budget``): the grant column's total, in
yuan, has to equal the amount awarded (the co-funding columns are as the applicant committed them or
as staff adjust them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.agreements.errors import AgreementBudgetError
from shenbao.agreements.models import Agreement
from shenbao.applications.queries.budgets import budget_fields
from shenbao.calls.budget_messages import error_text
from shenbao.calls.definition.budget import BudgetTable, FundingSource, budget_table, clean_budget
from shenbao.calls.definition.schema import FormField
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action


def budget_field(agreement: Agreement) -> FormField | None:
    """The application's budget field: the approved one's, else the first filled one of its direction
    (or, with none filled, the first of its direction)."""
    application = agreement.award.application
    direction = application.direction.code if application.direction else None
    fields = budget_fields(current_definition(agreement.award.call), direction)
    if agreement.approved_budget_field:
        return next((f for f in fields if f.code == agreement.approved_budget_field), None)
    filled = [f for f in fields if isinstance(application.values.get(f.code), dict)]
    chosen = filled or fields
    return chosen[0] if chosen else None


def requested_table(agreement: Agreement) -> tuple[FormField, BudgetTable] | None:
    field = budget_field(agreement)
    value = agreement.award.application.values.get(field.code) if field is not None else None
    if field is None or not isinstance(value, dict):
        return None
    return field, budget_table(field.budget_spec, value)


def approved_table(agreement: Agreement) -> tuple[FormField, BudgetTable] | None:
    """The approved budget with every total, or ``None`` before staff approved one."""
    field = budget_field(agreement) if agreement.approved_budget else None
    if field is None:
        return None
    return field, budget_table(field.budget_spec, agreement.approved_budget)


def grant_yuan(table: BudgetTable) -> int:
    return int(table.column_totals.get(FundingSource.GRANT.value, Decimal(0)) * table.factor)


def category_grant_yuan(table: BudgetTable) -> dict[str, int]:
    """Each category's grant, in yuan (sub-lines summed into their category)."""
    return {r.code: int(r.amounts.get(FundingSource.GRANT.value, Decimal(0)) * table.factor) for r in table.rows if not r.subline}


def _clean(field: FormField, raw: Any) -> dict[str, Any]:
    spec = field.budget_spec
    value, errors = clean_budget(spec, raw)
    if errors:
        raise AgreementBudgetError(" ".join(error_text(spec, e) for e in errors))
    if value is None or not value.get("lines"):
        raise AgreementBudgetError(_("Enter the approved amounts of the budget table."))
    return value


@transaction.atomic
def approve_budget(*, agreement: Agreement, table: Any, reason: str, actor: User, now: dt.datetime | None = None) -> Agreement:
    """Staff set the approved budget table: its grant column adds up to the amount awarded; a table that
    differs from the one requested needs the reason.  Refused once a party confirmed the agreement's
    text (which carries the table): from then on only an approved reallocation changes it."""
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("award__call", "award__application__direction")
        .get(pk=agreement.pk)
    )
    if any((locked.pi_confirmed_at, locked.institution_confirmed_at, locked.funder_confirmed_at, locked.signed_at)):
        raise AgreementBudgetError(
            _("The approved budget is fixed once a party has confirmed the agreement; request a budget reallocation.")
        )
    field = budget_field(locked)
    if field is None:
        raise AgreementBudgetError(_("The call's form has no budget table for this application."))
    value = _clean(field, table)
    computed = budget_table(field.budget_spec, value)
    awarded = locked.award.amount_yuan
    if awarded is None or grant_yuan(computed) != awarded:
        raise AgreementBudgetError(
            _("The grant column adds up to %(total)s yuan; the amount awarded is %(awarded)s yuan."),
            params={"total": f"{grant_yuan(computed):,}", "awarded": f"{awarded:,}" if awarded is not None else "—"},
        )
    requested = locked.award.application.values.get(field.code)
    reason = reason.strip()
    if value != requested and not reason:
        raise AgreementBudgetError(_("Give the reason for approving a budget that differs from the one requested."))
    before = grant_yuan(budget_table(field.budget_spec, locked.approved_budget or requested or {}))
    locked.approved_budget_field, locked.approved_budget, locked.approved_budget_reason = field.code, value, reason
    locked.approved_budget_by, locked.approved_budget_at = actor, now or timezone.now()
    locked.save(
        update_fields=[
            "approved_budget_field",
            "approved_budget",
            "approved_budget_reason",
            "approved_budget_by",
            "approved_budget_at",
        ]
    )
    log_action(
        action="shenbao.agreement.budget_approved",
        obj=locked.award.application,
        actor=actor,
        data={
            "field": field.code,
            "grant_before_yuan": before,
            "grant_yuan": grant_yuan(computed),
            "categories_yuan": category_grant_yuan(computed),
            "reason": reason,
        },
    )
    return locked


def clean_reallocation(agreement: Agreement, raw: Any) -> dict[str, Any]:
    """A proposed reallocation between categories: a valid table of the approved budget's field whose
    grant total is the approved one (a reallocation moves money, it does not add any)."""
    approved = approved_table(agreement)
    if approved is None:
        raise AgreementBudgetError(_("There is no approved budget to reallocate yet."))
    field, current = approved
    value = _clean(field, raw)
    proposed = budget_table(field.budget_spec, value)
    if grant_yuan(proposed) != grant_yuan(current):
        raise AgreementBudgetError(
            _("A reallocation keeps the grant's total: %(total)s yuan proposed, %(approved)s yuan approved."),
            params={"total": f"{grant_yuan(proposed):,}", "approved": f"{grant_yuan(current):,}"},
        )
    if value == agreement.approved_budget:
        raise AgreementBudgetError(_("The proposed budget is the approved one: change at least one amount."))
    return value


def moved_percent(agreement: Agreement, proposed: dict[str, Any]) -> float:
    """How much of the approved grant a proposed reallocation moves between categories, in per cent
    (the sum of the increases; a reallocation keeps the total, so it equals the sum of the decreases)."""
    approved = approved_table(agreement)
    if approved is None:
        return 100.0
    field, current = approved
    before = category_grant_yuan(current)
    after = category_grant_yuan(budget_table(field.budget_spec, proposed))
    total = grant_yuan(current)
    moved = sum(max(0, after.get(code, 0) - before.get(code, 0)) for code in set(before) | set(after))
    return 100.0 * moved / total if total else 100.0


def apply_reallocation(*, agreement: Agreement, value: dict[str, Any], change_id: int, actor: User | None) -> None:
    """Inside the change's decision: the approved table becomes the proposed one (checked again)."""
    locked = Agreement.objects.select_for_update(of=("self",)).select_related("award__application").get(pk=agreement.pk)
    clean = clean_reallocation(locked, value)
    field = budget_field(locked)
    assert field is not None
    before = category_grant_yuan(budget_table(field.budget_spec, locked.approved_budget))
    locked.approved_budget = clean
    locked.save(update_fields=["approved_budget"])
    log_action(
        action="shenbao.agreement.budget_reallocated",
        obj=locked.award.application,
        actor=actor,
        data={
            "change": change_id,
            "from_yuan": before,
            "to_yuan": category_grant_yuan(budget_table(field.budget_spec, clean)),
        },
    )
