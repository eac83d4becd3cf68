"""The selection service's work in the database does not grow with the number of applications
(issue 18: 20,000 applications in one run, bench/selection_e2e.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from shenbao.accounts.models import User
from shenbao.applications.models import Application, Partner
from shenbao.awards.algorithms.selection_record import problem_from_record
from shenbao.awards.models import SelectionRun
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import Call, ReviewStage
from shenbao.reviews.models import Assignment, Review
from shenbao.reviews.services.assignment import run_assignment
from shenbao.reviews.services.entries import open_stage
from tests.e2e.test_selection_flow import officer_of
from tests.reviews.fixtures import add_expert, checked_application, score_all


def add_reviewed(call: Call, stage: ReviewStage, officer: User, first: int, count: int) -> None:
    """``count`` more applications in direction 1.7, each with a foreign partner, reviewed by three experts."""
    for i in range(first, first + count):
        application = checked_application(call, direction="1.7", title=f"申报{i}", email=f"p{i}@example.com")
        Application.objects.filter(pk=application.pk).update(requested_yuan=1_000_000 + 10_000 * i)
        Partner.objects.create(application=application, side="foreign", name=f"合作方{i}", type="university", country="DE")
    open_stage(stage=stage, actor=officer)
    run_assignment(stage=stage, actor=officer)
    for a in Assignment.objects.filter(stage=stage, review__isnull=True).select_related("application"):
        score_all(a, 5 + a.application.pk % 5)


def statements(call: Call, officer: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        run_selection(call=call, actor=officer)
    return len(queries.captured_queries)


def test_the_number_of_statements_is_the_same_for_two_and_for_eight_applications(
    load_seed: Callable[[str], Call],
) -> None:
    call = load_seed("003")
    officer = officer_of(call)
    stage = ReviewStage.objects.get(call=call, code="expert-review")
    for n in range(3):
        add_expert(call, f"x{n}@example.com", officer=officer)
    add_reviewed(call, stage, officer, 0, 2)
    few = statements(call, officer)
    add_reviewed(call, stage, officer, 2, 6)
    many = statements(call, officer)
    assert Review.objects.filter(assignment__stage=stage).count() == 8 * 3
    runs = list(SelectionRun.objects.filter(call=call).order_by("pk"))
    problems = [problem_from_record(r.inputs) for r in runs]
    assert [len(p.candidates) for p in problems] == [2, 8]
    # Every candidate carries its request and partner country, read in bulk.
    requests = {c.application: c.requested_yuan for c in problems[1].candidates}
    assert requests == {a.pk: a.requested_yuan for a in Application.objects.filter(call=call)}
    assert {c.partner_countries for c in problems[1].candidates} == {frozenset({"DE"})}
    assert few == many
