"""Values that used to answer 500 (issue 15, item 9) now get a clear refusal and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from rest_framework.test import APIClient

from shenbao.applications.models import Attachment
from shenbao.awards.models import Award, Objection
from shenbao.awards.services.decisions import approve_run, publish_results
from shenbao.awards.services.selection import run_selection
from shenbao.calls.models import Call
from shenbao.reviews.models import Review
from shenbao.web.common import int_param
from tests.web.test_review_permissions import _state

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        (" 12 ", 12),
        ("0", 0),
        ("abc", None),
        ("", None),
        (None, None),
        ("-1", None),
        ("1e3", None),
        (str(10**30), None),
        (str(2**63), None),
        (str(2**63 - 1), 2**63 - 1),
        ("٣", None),
    ],
)
def test_int_param_takes_only_storable_whole_numbers(text: str | None, expected: int | None) -> None:
    assert int_param(text) == expected


@pytest.mark.parametrize("version", ["abc", str(10**30)])
def test_review_save_with_a_bad_version_is_refused_and_nothing_changes(world: dict[str, Any], version: str) -> None:
    client = Client()
    client.force_login(world["users"]["reviewer_assigned"])
    before = _state()
    response = client.post(
        f"/review/assignments/{world['assignment'].pk}/save/", {"version": version, "score-team-capacity": "5"}, headers=EN
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The page is out of date; reload it."]
    assert _state() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version": 1, "scores": {"team-capacity": True}}, "scores"),
        ({"version": 1, "scores": {"team-capacity": "5"}}, "scores"),
        ({"version": 10**30, "scores": {"team-capacity": 5}}, "version"),
    ],
)
def test_review_api_refuses_scores_that_are_not_numbers_and_huge_versions(
    world: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    client = APIClient()
    client.force_authenticate(world["users"]["reviewer_assigned"])
    before = _state()
    response = client.patch(f"/api/v1/reviews/{world['assignment'].pk}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"] if "fields" in response.json() else field in response.json()
    assert _state() == before
    assert not Review.objects.filter(scores__has_key="team-capacity").exists()


def test_assign_api_refuses_a_seed_no_column_can_hold(world: dict[str, Any]) -> None:
    client = APIClient()
    client.force_authenticate(world["users"]["staff"])
    before = _state()
    response = client.post(f"/api/v1/stages/{world['stage'].pk}/assign/", {"k": 1, "seed": 10**30}, format="json")
    assert response.status_code == 400
    assert _state() == before


@pytest.mark.django_db
def test_objection_with_a_non_numeric_award_is_refused_not_a_500(ranked: tuple[Call, Any]) -> None:
    call, officer = ranked
    run = run_selection(call=call, actor=officer)
    approve_run(run=run, actor=officer)
    publish_results(call=call, actor=officer)
    for award in ("abc", str(10**30), "-3"):
        response = Client().post(
            f"/calls/{call.code}/results/",
            {"award": award, "name": "异议人", "email": "o@example.com", "text": "材料不实"},
            headers=EN,
        )
        assert response.status_code == 302
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "Choose the award concerned and give your name, e-mail and the objection."
        ]
    assert Objection.objects.count() == 0
    assert Award.objects.filter(call=call).exists()


def test_a_document_missing_from_storage_is_a_404_not_a_500(world: dict[str, Any]) -> None:
    application = world["mine"]
    attachment = Attachment(application=application, document_code="application-form", original_name="form.pdf", size=9)
    attachment.file.save("form.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    default_storage.delete(attachment.file.name)  # gone from storage, still referenced
    owner = Client()
    owner.force_login(application.applicant)
    assert owner.get(f"/applications/{application.pk}/attachments/{attachment.pk}/").status_code == 404
    reviewer = Client()
    reviewer.force_login(world["users"]["reviewer_assigned"])
    url = f"/review/assignments/{world['assignment'].pk}/attachments/{attachment.pk}/"
    assert reviewer.get(url).status_code == 404
