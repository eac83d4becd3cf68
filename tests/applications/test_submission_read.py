"""The submission's one read: the same rows and facts as reading each relation on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shenbao.accounts.models import User
from shenbao.accounts.services.accounts import add_previous_award
from shenbao.applications.enums import ApplicationState, InvitationStatus
from shenbao.applications.facts import application_facts
from shenbao.applications.models import Application, Attachment, TeamMember
from shenbao.applications.queries.submission import lock_for_submission
from shenbao.applications.services.submission import submit_application
from shenbao.calls.queries.definitions import current_definition
from tests.api.test_api_v1 import api
from tests.applications.fixtures import make_ready_application, open_call, submitted_seed_003_application

pytestmark = pytest.mark.django_db


def _values(obj: models.Model) -> tuple[Any, ...]:
    return tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)


def _locked(pk: int, applicant_id: int | None = None) -> Any:
    with transaction.atomic():
        found = lock_for_submission(pk, applicant_id)
        return None if found is None else (found.application, found.load())


def test_related_rows_come_back_as_the_orm_reads_them() -> None:
    application = submitted_seed_003_application(title="中新联合研究")
    TeamMember.objects.create(
        application=application,
        email="member@example.com",
        name="成员",
        role="faculty",
        status=InvitationStatus.ACCEPTED,
        token="t-1",
        responded_at=timezone.now(),
    )
    # A second attachment uploaded "earlier" than the first: the ORM lists attachments by upload time, not by id.
    first = application.attachments.get()
    second = Attachment.objects.create(
        application=application, document_code=first.document_code, original_name="补充.pdf", share_link="https://example.com/x"
    )
    Attachment.objects.filter(pk=second.pk).update(uploaded_at=first.uploaded_at - dt.timedelta(hours=1))
    fresh = Application.objects.get(pk=application.pk)
    assert [a.pk for a in fresh.attachments.all()] == [second.pk, first.pk]
    found = _locked(application.pk)
    assert found is not None
    locked, _reads = found
    for relation in ("partners", "team", "attachments"):
        expected = list(getattr(fresh, relation).all())  # in the ORM's order
        assert expected, relation  # the builder gives each relation at least one row
        with CaptureQueriesContext(connection) as ctx:
            got = list(getattr(locked, relation).all())
            [o.application for o in got]  # the parent is cached on each child
        assert len(ctx.captured_queries) == 0, relation
        assert [_values(o) for o in got] == [_values(o) for o in expected], relation
    # the rows the application points at: every column as the ORM reads it (the call's definition stays deferred)
    pointed = [
        (locked.call, fresh.call),
        (locked.direction, fresh.direction),
        (locked.applicant, fresh.applicant),
        (locked.applicant.person, fresh.applicant.person),
        (locked.lead_organisation, fresh.lead_organisation),
    ]
    for got, expected in pointed:
        fields = [f for f in expected._meta.concrete_fields if f.name != "definition" or got is not locked.call]
        # repr: a Decimal keeps its places, a datetime its zone
        assert [repr(getattr(got, f.attname)) for f in fields] == [repr(getattr(expected, f.attname)) for f in fields], got
    assert "definition" in locked.call.get_deferred_fields()
    assert locked.call.definition == fresh.call.definition  # loaded on first use
    # dates, JSON and nullable booleans keep their Python types
    partner = locked.partners.all()[0]
    assert partner.registered_on == fresh.partners.get(pk=partner.pk).registered_on
    assert isinstance(partner.networks, list)


def test_the_reads_give_the_same_facts_and_counts_as_the_queries(
    ready_application: Callable[..., Application], scholar: User
) -> None:
    add_previous_award(person=scholar.person, code="xiaomi-young-scholar", name="小米青年学者", year=2023)
    other_topic = ready_application(topic="XM-T2")
    submit_application(application=other_topic, actor=scholar, key="a")
    same_program = open_call("000", code="open-000-again")
    assert same_program.program_id == other_topic.call.program_id
    elsewhere = make_ready_application(call=same_program, applicant=scholar, organisation=scholar.memberships.get().organisation)
    submit_application(application=elsewhere, actor=scholar, key="b")
    draft = ready_application(topic="XM-T1")

    found = _locked(draft.pk, scholar.pk)
    assert found is not None
    locked, reads = found
    assert reads.awards == frozenset({"xiaomi-young-scholar"})
    assert (reads.employer_type, reads.employer_country) == ("university", "CN")
    assert reads.applications == {"call": 1, "direction": 0, "program": 2}
    definition = current_definition(draft.call)
    fresh = Application.objects.select_related("call", "direction", "applicant__person", "lead_organisation").get(pk=draft.pk)
    assert application_facts(locked, definition, reads=reads) == application_facts(fresh, definition)


def test_counts_per_scope_take_only_counted_states(ready_application: Callable[..., Application], scholar: User) -> None:
    other_topic = ready_application(topic="XM-T2")
    submit_application(application=other_topic, actor=scholar, key="a")  # call, program
    same_program = open_call("000", code="open-000-again")
    organisation = scholar.memberships.get().organisation
    elsewhere = make_ready_application(call=same_program, applicant=scholar, organisation=organisation)
    submit_application(application=elsewhere, actor=scholar, key="b")  # program
    states = [ApplicationState.RETURNED, ApplicationState.CHECK_FAILED, ApplicationState.WITHDRAWN, ApplicationState.DRAFT]
    for state in states:  # the first two count in the call, the direction and the program; the last two nowhere
        extra = ready_application(topic="XM-T1")
        Application.objects.filter(pk=extra.pk).update(state=state)
    draft = ready_application(topic="XM-T1")
    found = _locked(draft.pk, scholar.pk)
    assert found is not None
    assert found[1].applications == {"call": 3, "direction": 2, "program": 4}
    Application.objects.filter(pk=draft.pk).update(direction=None)  # no direction: the facts count that scope themselves
    found = _locked(draft.pk, scholar.pk)
    assert found is not None
    assert found[1].applications == {"call": 3, "program": 4}


def test_an_id_out_of_range_is_not_found(scholar: User) -> None:
    assert _locked(2**64) is None
    assert _locked(0) is None
    response = api(scholar).post(f"/api/v1/applications/{2**70}/submit/", {"key": "k"}, format="json")
    assert response.status_code == 404


def test_only_the_owner_finds_their_application(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    assert _locked(application.pk, application.applicant_id + 1000) is None
    assert _locked(application.pk + 1000) is None
    assert _locked(application.pk, application.applicant_id) is not None


def test_a_submission_locks_reads_once_and_writes_its_rows_and_the_receipt(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    applicant = application.applicant
    ContentType.objects.get_for_model(Application)  # cached for the process after its first use
    with CaptureQueriesContext(connection) as ctx:
        submit_application(application=application, actor=applicant, key="k")
    kinds = [q["sql"].split(None, 1)[0].upper() for q in ctx.captured_queries]
    statements = [k for k in kinds if k not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")]
    # the lock; the read of the rest; the revision; the application; the audit entry; the staff's
    # own text of the receipt, if any, and whether the call's mail is held (one statement); the
    # receipt stored in the outbox (sent by the worker after the commit); its in-app notification
    assert statements == ["SELECT", "SELECT", "INSERT", "UPDATE", "INSERT", "SELECT", "INSERT", "INSERT"]


def test_a_double_click_only_locks(ready_application: Callable[..., Application]) -> None:
    application = ready_application()
    applicant = application.applicant
    submit_application(application=application, actor=applicant, key="k")
    with CaptureQueriesContext(connection) as ctx:
        again = submit_application(application=application, actor=applicant, key="k")
    statements = [q["sql"].split(None, 1)[0].upper() for q in ctx.captured_queries]
    assert again.created is False
    assert [k for k in statements if k not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")] == ["SELECT"]
