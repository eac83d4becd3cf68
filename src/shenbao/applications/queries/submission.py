"""The submission's read: the application, locked, with everything its checks and revision need, in one query.

A deadline rush is a burst of submissions, each of which has to lock its application, read its
partners, team and attachments, and read the facts about the applicant that the eligibility
rules use (employer, previous awards, other applications). Read one relation at a time, that
is eight round trips before the first write; here it is one statement (ADR 0005).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.db.models import BigIntegerField, CharField

from shenbao.accounts.models import Membership, Organisation, Person, PreviousAward
from shenbao.applications.facts import ApplicantReads
from shenbao.applications.models import Application, Attachment, Partner, TeamMember
from shenbao.applications.transitions import COUNTED_STATES
from shenbao.calls.models import Call
from shenbao.core.queries.inline import CorrelatedSQL, attach_related, column, json_array_sql, related_rows, rows_from_json
from shenbao.core.queries.inline import table as t

Quote = Callable[[str], str]
# The SQL below is assembled from model metadata (table and column names, quoted by the
# database's own quoting); every value is a query parameter (S608 does not apply).

_RELATIONS = (("partners", Partner), ("team", TeamMember), ("attachments", Attachment))
_COUNTED = sorted(COUNTED_STATES)


def _awards(outer: str, vendor: str, q: Quote) -> str:
    """The codes of the applicant's previous awards."""
    source = (
        f"FROM {t(PreviousAward, q)} a JOIN {t(Person, q)} p ON a.{column(PreviousAward, 'person', q)} = p.{q('id')} "
        f"WHERE p.{column(Person, 'user', q)} = {outer}.{column(Application, 'applicant', q)}"
    )
    return json_array_sql(vendor, f"a.{column(PreviousAward, 'code', q)}", source)


def _employer(field: str) -> Callable[[str, str, Quote], str]:
    """A field of the organisation of the applicant's current primary membership."""

    def build(outer: str, vendor: str, q: Quote) -> str:
        def m(name: str) -> str:
            return f"m.{column(Membership, name, q)}"

        return (
            f"SELECT o.{column(Organisation, field, q)} FROM {t(Membership, q)} m "
            f"JOIN {t(Organisation, q)} o ON o.{q('id')} = {m('organisation')} "
            f"WHERE {m('user')} = {outer}.{column(Application, 'applicant', q)} AND {m('end_date')} IS NULL "
            f"AND {m('is_primary')} = %s ORDER BY m.{q('id')} LIMIT 1"
        )

    return build


def _others(scope: str) -> Callable[[str, str, Quote], str]:
    """How many other counted applications the applicant has in the call, its direction, or its program."""

    def build(outer: str, vendor: str, q: Quote) -> str:
        def a(name: str) -> str:
            return f"a.{column(Application, name, q)}"

        def o(name: str) -> str:
            return f"{outer}.{column(Application, name, q)}"

        where = {
            "call": f"{a('call')} = {o('call')}",
            "direction": f"{a('call')} = {o('call')} AND {a('direction')} = {o('direction')}",
            "program": (
                f"{a('call')} IN (SELECT c.{q('id')} FROM {t(Call, q)} c WHERE c.{column(Call, 'program', q)} = "
                f"(SELECT p.{column(Call, 'program', q)} FROM {t(Call, q)} p WHERE p.{q('id')} = {o('call')}))"
            ),
        }[scope]
        states = ", ".join(["%s"] * len(_COUNTED))
        return (
            f"SELECT COUNT(*) FROM {t(Application, q)} a WHERE {a('applicant')} = {o('applicant')} "
            f"AND {a('state')} IN ({states}) AND a.{q('id')} <> {outer}.{q('id')} AND {where}"
        )

    return build


# Built once: their SQL is cached per database, so a submission compiles none of it.
_ANNOTATIONS = {
    **{f"_{name}_json": related_rows(model, "application") for name, model in _RELATIONS},
    "_awards_json": CorrelatedSQL(_awards, (), CharField()),
    "_employer_type": CorrelatedSQL(_employer("type"), (True,), CharField()),
    "_employer_country": CorrelatedSQL(_employer("country"), (True,), CharField()),
    **{f"_in_{scope}": CorrelatedSQL(_others(scope), _COUNTED, BigIntegerField()) for scope in ("call", "direction", "program")},
}


def lock_for_submission(pk: int, applicant_id: int | None = None) -> tuple[Application, ApplicantReads] | None:
    """The application ``pk`` (only if ``applicant_id`` owns it, when given) locked FOR UPDATE, with
    its call, direction, applicant, lead organisation, partners, team and attachments loaded, and
    what the eligibility facts read about the applicant. None when there is no such application."""
    rows = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "direction", "applicant__person", "lead_organisation")
        .defer("call__definition")  # parsed definitions are cached by hash; loaded only on a miss
        .annotate(**_ANNOTATIONS)
        .order_by()
        .filter(pk=pk)
    )
    if applicant_id is not None:
        rows = rows.filter(applicant_id=applicant_id)
    found = list(rows)
    if not found:
        return None
    application = found[0]
    for name, model in _RELATIONS:
        attach_related(application, name, rows_from_json(model, getattr(application, f"_{name}_json")))
    counts = {"call": application._in_call, "program": application._in_program}  # type: ignore[attr-defined]
    if application.direction_id is not None:
        counts["direction"] = application._in_direction  # type: ignore[attr-defined]
    reads = ApplicantReads(
        employer_type=application._employer_type,  # type: ignore[attr-defined]
        employer_country=application._employer_country,  # type: ignore[attr-defined]
        awards=frozenset(json.loads(application._awards_json)),  # type: ignore[attr-defined]
        applications=counts,
    )
    return application, reads
