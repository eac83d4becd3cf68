"""Bulk import of applications from a table: a dry run lists every row's problems; the import
writes all rows or none.  Each imported row becomes a draft of a registered applicant, who
completes and submits it as usual."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models.functions import Lower

from shenbao.accounts.models import User
from shenbao.applications.models import Application
from shenbao.applications.services.drafts import save_draft
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition
from shenbao.core.audit import log_action
from shenbao.documents.describe import changes_for, form_spec
from shenbao.documents.layout.spec import FieldSpec
from shenbao.documents.layout.table_import import APPLICANT, ImportProblem, ImportRow, check_rows


@dataclass(frozen=True)
class ApplicationImportPlan:
    rows: list[ImportRow]
    problems: list[ImportProblem]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


class ApplicationImportInvalid(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _forms(call: Call, language: str) -> dict[str | None, list[FieldSpec]]:
    definition = current_definition(call)
    directions = list(call.directions.order_by("position"))
    if not directions:
        spec = form_spec(call=call, definition=definition, direction=None, language=language, application=None)
        return {None: list(spec.fields)}
    return {
        d.code: list(form_spec(call=call, definition=definition, direction=d, language=language, application=None).fields)
        for d in directions
    }


def _applicants(rows: list[dict[str, str]]) -> dict[str, User]:
    emails = {(v or "").strip().lower() for row in rows for k, v in row.items() if k.strip().lower() == APPLICANT}
    users = User.objects.annotate(address=Lower("email")).filter(address__in=emails)
    return {u.address: u for u in users}


def plan_application_import(*, call: Call, rows: list[dict[str, str]], language: str) -> ApplicationImportPlan:
    """What the import would create, and every row's problems.  Writes nothing."""
    checked, problems = check_rows(rows, _forms(call, language), applicants=set(_applicants(rows)))
    return ApplicationImportPlan(checked, problems)


@transaction.atomic
def import_applications(
    *, call: Call, rows: list[dict[str, str]], actor: User, language: str, source: str = ""
) -> list[Application]:
    """Create one draft per row for its applicant; nothing is written if any row has a problem."""
    plan = plan_application_import(call=call, rows=rows, language=language)
    if not plan.ok:
        raise ApplicationImportInvalid(plan.problems)
    definition = current_definition(call)
    users = _applicants(rows)
    directions = {d.code: d for d in call.directions.all()}
    created = []
    for row in plan.rows:
        application = Application.objects.create(
            call=call, direction=directions.get(row.direction or ""), applicant=users[row.applicant_email]
        )
        log_action(
            action="shenbao.application.imported",
            obj=application,
            actor=actor,
            data={"call": call.code, "row": row.row, "source": source, "fields": sorted(row.values)},
        )
        changes = changes_for(application, definition, row.values)
        if changes:
            application = save_draft(application=application, changes=changes, expected_version=application.version, actor=actor)
        created.append(application)
    return created
