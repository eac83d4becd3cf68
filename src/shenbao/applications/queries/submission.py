"""The submission's read: the application, locked, with everything its checks and revision need, in one query.

A deadline rush is a burst of submissions, each of which has to lock its application, read its
partners, team and attachments, and read the facts about the applicant that the eligibility
rules use (employer, previous awards, other applications). Read one relation at a time, that
is eight round trips before the first write; here it is one statement (ADR 0005).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection

from shenbao.accounts.models import Membership, Organisation, Person, PreviousAward, User
from shenbao.applications.facts import ApplicantReads
from shenbao.applications.models import Application, Attachment, Partner, TeamMember
from shenbao.applications.transitions import COUNTED_STATES
from shenbao.calls.models import Call, Direction
from shenbao.core.queries.inline import (
    Builder,
    Quote,
    attach_related,
    cache_related,
    column,
    json_array_sql,
    row_sql,
    rows_from_json,
    rows_sql,
)
from shenbao.core.queries.inline import (
    row_from_json as one,
)
from shenbao.core.queries.inline import table as t

_RELATIONS = (("partners", Partner), ("team", TeamMember), ("attachments", Attachment))
_COUNTED = sorted(COUNTED_STATES)
_CALL_DEFERRED = ("definition",)  # parsed definitions are cached by content hash; loaded only on a miss


def _awards(outer: str, vendor: str, q: Quote) -> str:
    """The codes of the applicant's previous awards."""
    source = (
        f"FROM {t(PreviousAward, q)} a JOIN {t(Person, q)} p ON a.{column(PreviousAward, 'person', q)} = p.{q('id')} "
        f"WHERE p.{column(Person, 'user', q)} = {outer}.{column(Application, 'applicant', q)}"
    )
    return json_array_sql(vendor, f"a.{column(PreviousAward, 'code', q)}", source)


def _employer(field: str) -> Builder:
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


def _others(scope: str) -> Builder:
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


def _column_of(name: str) -> str:
    return column(Application, name, str)


# name -> (SQL builder, its parameters). Every subquery refers to the locked application row.
_EXTRAS: dict[str, tuple[Builder, tuple[object, ...]]] = {
    "_call_json": (row_sql(Call, "id", _column_of("call"), _CALL_DEFERRED), ()),
    "_direction_json": (row_sql(Direction, "id", _column_of("direction")), ()),
    "_applicant_json": (row_sql(User, "id", _column_of("applicant")), ()),
    "_person_json": (row_sql(Person, "user", _column_of("applicant")), ()),
    "_lead_json": (row_sql(Organisation, "id", _column_of("lead_organisation")), ()),
    **{f"_{name}_json": (rows_sql(model, "application"), ()) for name, model in _RELATIONS},
    "_awards_json": (_awards, ()),
    "_employer_type": (_employer("type"), (True,)),
    "_employer_country": (_employer("country"), (True,)),
    **{f"_in_{scope}": (_others(scope), tuple(_COUNTED)) for scope in ("call", "direction", "program")},
}
_SQL: dict[tuple[str, bool], tuple[str, tuple[object, ...]]] = {}


def _statement(vendor: str, own: bool) -> tuple[str, tuple[object, ...]]:
    """The locking read's SQL and its fixed parameters, built once per database."""
    if (vendor, own) not in _SQL:
        q: Quote = connection.ops.quote_name
        # The locked row is "locked"; the subqueries' own tables have one-letter aliases.
        columns = ", ".join(f"locked.{q(f.column)}" for f in Application._meta.concrete_fields)
        extras = ", ".join(f"({build('locked', vendor, q)}) AS {q(name)}" for name, (build, _) in _EXTRAS.items())
        where = f"locked.{q('id')} = %s" + (f" AND locked.{column(Application, 'applicant', q)} = %s" if own else "")
        lock = " FOR UPDATE OF locked" if vendor == "postgresql" else ""  # SQLite locks the database on write
        sql = f"SELECT {columns}, {extras} FROM {t(Application, q)} locked WHERE {where}{lock}"
        _SQL[vendor, own] = sql, tuple(p for _, params in _EXTRAS.values() for p in params)
    return _SQL[vendor, own]


@dataclass
class LockedApplication:
    """The locked row, as read by ``lock_for_submission``; ``load`` unpacks the rest of the read."""

    application: Application

    def load(self) -> ApplicantReads:
        """Install the call, direction, applicant, lead organisation, partners, team and attachments
        read with the row (no further queries), and return the applicant facts read with it. A
        double click that finds the application already submitted never needs this."""
        application = self.application
        extra = application.__dict__
        applicant = one(User, extra["_applicant_json"])
        assert applicant is not None  # the foreign key is not nullable
        person = one(Person, extra["_person_json"])
        cache_related(applicant, "person", person)
        if person is not None:
            cache_related(person, "user", applicant)
        cache_related(application, "applicant", applicant)
        cache_related(application, "call", one(Call, extra["_call_json"], exclude=_CALL_DEFERRED))
        cache_related(application, "direction", one(Direction, extra["_direction_json"]))
        cache_related(application, "lead_organisation", one(Organisation, extra["_lead_json"]))
        for name, model in _RELATIONS:
            attach_related(application, name, rows_from_json(model, extra[f"_{name}_json"]))
        counts = {"call": extra["_in_call"], "program": extra["_in_program"]}
        if application.direction_id is not None:
            counts["direction"] = extra["_in_direction"]
        return ApplicantReads(
            employer_type=extra["_employer_type"],
            employer_country=extra["_employer_country"],
            awards=frozenset(json.loads(extra["_awards_json"])),
            applications=counts,
        )


def lock_for_submission(pk: int, applicant_id: int | None = None) -> LockedApplication | None:
    """The application ``pk`` (only if ``applicant_id`` owns it, when given) locked FOR UPDATE, read
    together with its call, direction, applicant, lead organisation, partners, team and attachments
    and with what the eligibility facts read about the applicant. None when there is no such
    application.

    Call inside a transaction. After ``load()`` the instances behave as if select_related /
    prefetch_related had loaded them (tests/applications/test_submission_read.py compares them
    with the ORM's)."""
    sql, fixed = _statement(connection.vendor, applicant_id is not None)
    params = [*fixed, pk] + ([applicant_id] if applicant_id is not None else [])
    found = list(Application.objects.raw(sql, params))
    return LockedApplication(found[0]) if found else None
