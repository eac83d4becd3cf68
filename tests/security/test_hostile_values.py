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


@pytest.mark.parametrize("at", ["0001-01-01T00:00", "9999-12-31T24:00", "9999-12-31", "2201-01-01T10:00"])
def test_a_timeline_date_no_database_can_store_is_refused_by_validation(at: str) -> None:
    from shenbao.calls.definition.load import DefinitionInvalid, parse_definition, read_document
    from shenbao.calls.definitions import DEFINITIONS_DIR

    data = read_document((DEFINITIONS_DIR / "xiaomi-jbgs-2025.yaml").read_text(encoding="utf-8"))
    data["timeline"][0] = {**data["timeline"][0], "at": at}
    data["timeline"][0].pop("start", None)
    data["timeline"][0].pop("end", None)
    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(data)
    assert [e.type for e in caught.value.errors] == ["date_out_of_range"]


@pytest.mark.django_db
@pytest.mark.parametrize("born", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_implausible_birth_dates_are_refused_and_nothing_changes(born: str, scholar: Any) -> None:
    from shenbao.accounts.models import Person

    client = Client()
    client.force_login(scholar)
    before = Person.objects.values().get(user=scholar)
    response = client.post("/me/profile/", {"p-name": "某某", "p-birth_date": born, "p-position": "faculty"}, headers=EN)
    assert response.status_code == 400  # the form is shown again with its errors
    assert "A date of birth lies between 1900-01-01 and today." in response.content.decode()
    assert Person.objects.values().get(user=scholar) == before


@pytest.mark.django_db
def test_the_profile_service_refuses_an_implausible_birth_date(scholar: Any) -> None:
    import datetime as dt

    from shenbao.accounts.services.accounts import update_profile
    from shenbao.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        update_profile(user=scholar, name="某某", birth_date=dt.date(1, 1, 1))


@pytest.mark.django_db
def test_the_applicant_cannot_invite_themselves(ready_application: Any) -> None:
    from shenbao.applications.errors import CannotInviteSelf
    from shenbao.applications.models import TeamMember
    from shenbao.applications.services.team import invite_team_member

    application = ready_application()
    before = TeamMember.objects.filter(application=application).count()
    with pytest.raises(CannotInviteSelf):
        invite_team_member(
            application=application,
            email=application.applicant.email.upper(),
            name="我",
            role="member",
            actor=application.applicant,
        )
    assert TeamMember.objects.filter(application=application).count() == before
