"""Review lists cost the same number of queries however long they are (CONVENTIONS rule 2)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from shenbao.reviews.services.assignment import assign_manually
from tests.reviews.fixtures import ReviewSetup


def _count(fetch: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        fetch()
    return len(queries.captured_queries)


def test_my_reviews_and_the_review_api_list_in_constant_queries(in_review: Callable[..., ReviewSetup]) -> None:
    setup = in_review()
    expert = setup.experts["general@example.com"]
    assign_manually(stage=setup.stage, application_id=setup.applications[0].pk, reviewer=expert, actor=setup.officer)
    page, api = Client(), APIClient()
    page.force_login(expert)
    api.force_authenticate(expert)
    one = (_count(lambda: page.get("/review/")), _count(lambda: api.get("/api/v1/reviews/")))
    for application in setup.applications[1:]:
        assign_manually(stage=setup.stage, application_id=application.pk, reviewer=expert, actor=setup.officer)
    four = (_count(lambda: page.get("/review/")), _count(lambda: api.get("/api/v1/reviews/")))
    assert four == one
    officer = APIClient()
    officer.force_authenticate(setup.officer)
    assert _count(lambda: officer.get("/api/v1/stages/")) <= 4
