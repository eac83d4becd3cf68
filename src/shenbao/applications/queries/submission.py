"""The submission's reads: the application row, locked, then everything its checks and revision need.

A deadline rush is a burst of submissions, each of which has to lock its application, read its
call, applicant, partners, team and attachments, and read the facts about the applicant that the
eligibility rules use (employer, previous awards, other applications). Read one relation at a
time, that is eight round trips before the first write; here it is two statements: the lock,
which is all a double click needs, then one read of the rest (ADR 0005).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

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
    instance_from_row,
    json_array_sql,
    json_object,
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
_CALL_DEFERRED = ("definition",)
_MAX_ID = 2**63 - 1  # parsed definitions are cached by content hash; loaded only on a miss


def _awards(outer: str, vendor: str, q: Quote) -> str:
    """The codes of the applicant's previous awards."""
    source = (
        f"FROM {t(PreviousAward, q)} a JOIN {t(Person, q)} p ON a.{column(PreviousAward, 'person', q)} = p.{q('id')} "
        f"WHERE p.{column(Person, 'user', q)} = {outer}.{column(Application, 'applicant', q)}"
    )
    return json_array_sql(vendor, f"a.{column(PreviousAward, 'code', q)}", source)


def _employer(outer: str, vendor: str, q: Quote) -> str:
    """The type and country of the organisation of the applicant's current primary membership, as JSON."""

    def m(name: str) -> str:
        return f"m.{column(Membership, name, q)}"

    fields = {name: f"o.{column(Organisation, name, q)}" for name in ("type", "country")}
    return (
        f"SELECT {json_object(vendor, fields)} FROM {t(Membership, q)} m "
        f"JOIN {t(Organisation, q)} o ON o.{q('id')} = {m('organisation')} "
        f"WHERE {m('user')} = {outer}.{column(Application, 'applicant', q)} AND {m('end_date')} IS NULL "
        f"AND {m('is_primary')} = %s ORDER BY m.{q('id')} LIMIT 1"
    )


def _others(outer: str, vendor: str, q: Quote) -> str:
    """How many other counted applications the applicant has in the call, in its direction and in its
    program, as JSON: one scan of the applicant's applications in the program, counted three ways."""

    def a(name: str) -> str:
        return f"a.{column(Application, name, q)}"

    def o(name: str) -> str:
        return f"{outer}.{column(Application, name, q)}"

    same_call = f"{a('call')} = {o('call')}"
    counts = {
        "call": f"COUNT(*) FILTER (WHERE {same_call})",
        "direction": f"COUNT(*) FILTER (WHERE {same_call} AND {a('direction')} = {o('direction')})",
        "program": "COUNT(*)",
    }
    states = ", ".join(["%s"] * len(_COUNTED))
    return (
        f"SELECT {json_object(vendor, counts)} FROM {t(Application, q)} a "
        f"WHERE {a('applicant')} = {o('applicant')} AND {a('state')} IN ({states}) AND a.{q('id')} <> {outer}.{q('id')} "
        f"AND {a('call')} IN (SELECT c.{q('id')} FROM {t(Call, q)} c WHERE c.{column(Call, 'program', q)} = "
        f"(SELECT p.{column(Call, 'program', q)} FROM {t(Call, q)} p WHERE p.{q('id')} = {o('call')}))"
    )


def _column_of(name: str) -> str:
    return column(Application, name, str)


# name -> (SQL builder, its parameters). Every subquery refers to the locked application row.
_EXTRAS: dict[str, tuple[Builder, tuple[Any, ...]]] = {
    "_call_json": (row_sql(Call, "id", _column_of("call"), _CALL_DEFERRED), ()),
    "_direction_json": (row_sql(Direction, "id", _column_of("direction")), ()),
    "_applicant_json": (row_sql(User, "id", _column_of("applicant")), ()),
    "_person_json": (row_sql(Person, "user", _column_of("applicant")), ()),
    "_lead_json": (row_sql(Organisation, "id", _column_of("lead_organisation")), ()),
    **{f"_{name}_json": (rows_sql(model, "application"), ()) for name, model in _RELATIONS},
    "_awards_json": (_awards, ()),
    "_employer_json": (_employer, (True,)),
    "_others_json": (_others, tuple(_COUNTED)),
}
_SQL: dict[tuple[str, str], tuple[str, tuple[Any, ...]]] = {}


def _statement(vendor: str, kind: str) -> tuple[str, tuple[Any, ...]]:
    """SQL and fixed parameters, built once per database: ``lock`` (the row FOR UPDATE; ``lock-own``
    also checks the owner) or ``read`` (everything the submission reads besides the row)."""
    if (vendor, kind) not in _SQL:
        q: Quote = connection.ops.quote_name
        # The application row is "locked"; the subqueries' own tables have one-letter aliases.
        source = f"FROM {t(Application, q)} locked WHERE locked.{q('id')} = %s"
        if kind == "read":
            extras = ", ".join(f"({build('locked', vendor, q)}) AS {q(name)}" for name, (build, _) in _EXTRAS.items())
            sql = f"SELECT locked.{q('id')}, {extras} {source}"
            params = tuple(p for _, params in _EXTRAS.values() for p in params)
        else:
            columns = ", ".join(f"locked.{q(f.column)}" for f in Application._meta.concrete_fields)
            owner = f" AND locked.{column(Application, 'applicant', q)} = %s" if kind == "lock-own" else ""
            lock = " FOR UPDATE OF locked" if vendor == "postgresql" else ""  # SQLite locks the database on write
            sql, params = f"SELECT {columns} {source}{owner}{lock}", ()
        _SQL[vendor, kind] = sql, params
    return _SQL[vendor, kind]


@dataclass
class LockedApplication:
    """The locked row, as read by ``lock_for_submission``; ``load`` reads the rest."""

    application: Application

    def load(self) -> ApplicantReads:
        """Read, in one statement, the call, direction, applicant, lead organisation, partners, team
        and attachments (installed on the application where select_related / prefetch_related would
        put them) and the applicant facts the rules use, which it returns. A double click that finds
        the application already submitted never needs this."""
        application = self.application
        sql, fixed = _statement(connection.vendor, "read")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*fixed, application.pk])
            names = [d[0] for d in cursor.description]
            extra = dict(zip(names, cursor.fetchone(), strict=True))
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
        counts = json.loads(extra["_others_json"])
        if application.direction_id is None:
            del counts["direction"]  # the facts count a direction scope themselves
        employer = json.loads(extra["_employer_json"] or "{}")
        return ApplicantReads(
            employer_type=employer.get("type"),
            employer_country=employer.get("country"),
            awards=frozenset(json.loads(extra["_awards_json"])),
            applications=counts,
        )


def lock_for_submission(pk: int, applicant_id: int | None = None) -> LockedApplication | None:
    """The application ``pk`` (only if ``applicant_id`` owns it, when given) locked FOR UPDATE; None
    when there is no such application. Call inside a transaction.

    Its ``load()`` then reads everything else in one statement; after it the instances behave as
    if select_related / prefetch_related had loaded them (tests/applications/test_submission_read.py
    compares them with the ORM's)."""
    if not 0 < pk <= _MAX_ID:
        return None  # no such row (SQLite would refuse an integer this large rather than find nothing)
    sql, _ = _statement(connection.vendor, "lock-own" if applicant_id is not None else "lock")
    params = [pk] + ([applicant_id] if applicant_id is not None else [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return LockedApplication(instance_from_row(Application, row, connection)) if row is not None else None
