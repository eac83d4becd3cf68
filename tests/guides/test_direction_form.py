"""The per-direction review form: prefilled from the draft and linked to the source, the sums follow
the values in the form, saving validates the whole draft and shows errors beside their fields."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.guides.models import GuideImport
from shenbao.guides.services import import_guide
from shenbao.web.staff.guide_forms import direction_initial
from tests.factories import UserFactory
from tests.guides.documents import seed_text

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}


@pytest.fixture
def guide(officer: Any) -> GuideImport:
    return import_guide(data=seed_text("003").encode(), filename="003.txt", actor=officer)


def form_data(guide: GuideImport, **changes: Any) -> dict[str, str]:
    """The form as the page fills it, with ``changes`` ("d0-quota_value": 7) applied."""
    data: dict[str, str] = {}
    for i, direction in enumerate(guide.draft["directions"]):
        for key, value in direction_initial(direction).items():
            data[f"d{i}-{key}"] = "" if value is None else str(value)
    data.update({key.replace("__", "-"): str(value) for key, value in changes.items()})
    return data


def test_a_form_per_direction_prefilled_and_linked_to_the_source(client: Client, officer: Any, guide: GuideImport) -> None:
    client.force_login(officer)
    page = client.get(reverse("web:guide_detail", args=[guide.pk]), headers=EN).content.decode()
    assert page.count('<fieldset class="direction-form"') == 19
    assert '<input type="text" name="d0-code" value="1.1"' in page
    assert 'name="d0-title" value="中国和新西兰政府间科技合作项目"' in page
    assert '<option value="exact" selected>exactly</option>' in page
    assert 'name="d0-quota_value" value="6"' in page
    assert 'name="d0-budget" value="1080"' in page
    assert 'name="d0-countries" value="NZ"' in page
    assert 'name="d1-duration_value" value="2"' in page
    # Each value read from the document links to where it was read, with its certainty.
    quota_span = next(s for s in guide.spans if s["path"] == "directions.0.quota")
    assert quota_span["confidence"] >= 0.85
    assert '<p class="field read-high" data-field="quota_qualifier">' in page
    assert page.count('class="source-link span-high"') >= 19 * 2


def test_the_sums_follow_the_form_without_saving(client: Client, officer: Any, guide: GuideImport) -> None:
    client.force_login(officer)
    url = reverse("web:guide_directions_preview", args=[guide.pk])
    response = client.post(url, form_data(guide, d0__quota_value=7, d0__budget=1100), headers={**EN, "HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Not saved yet: the sums show the values now in the form." in html
    assert '<tr class="mismatch" data-measure="projects">' in html
    assert "<td>176</td><td>177</td><td>1</td>" in html
    assert '<tr class="mismatch" data-measure="budget_yuan">' in html
    assert '<tr class="ok" data-measure="directions">' in html
    guide.refresh_from_db()
    assert guide.draft["directions"][0]["quota"] == {"value": 6.0}
    # An invalid value leaves that direction as saved and says so.
    html = client.post(url, form_data(guide, d0__quota_value="x"), headers=EN).content.decode()
    assert "Some values in the form are not valid yet" in html and '<tr class="ok" data-measure="projects">' in html


def test_saving_writes_the_draft_and_keeps_what_the_form_does_not_show(client: Client, officer: Any, guide: GuideImport) -> None:
    client.force_login(officer)
    before = guide.draft["directions"][1]
    changes = {
        "d1__quota_qualifier": "range",
        "d1__quota_min": 10,
        "d1__quota_max": 16,
        "d1__per_project": 200,
        "d1__duration_qualifier": "at_most",
        "d1__duration_value": 3,
        "d1__countries": "eg, hu",
    }
    response = client.post(reverse("web:guide_directions", args=[guide.pk]), form_data(guide, **changes), headers=EN)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:guide_detail", args=[guide.pk]) + "#directions-form"
    guide.refresh_from_db()
    after = guide.draft["directions"][1]
    assert after["quota"] == {"qualifier": "range", "min": 10.0, "max": 16.0}
    assert after["budget"] == {"total": {"amount_wan": 3000.0}, "per_project": {"amount_wan": 200.0}}
    assert after["duration"] == {"qualifier": "at_most", "value": 3.0}
    assert after["partner"] == {"countries": ["EG", "HU"]}
    assert after["requirements"] == before["requirements"] and after["basis"] == before["basis"]
    projects = next(r for r in guide.reconciliation if r["measure"] == "projects")
    assert (projects["summed"], projects["matches"]) == (177, False)  # a range counts by its top
    entry = AuditEntry.objects.get(action="shenbao.guide.draft_edited")
    assert entry.data["via"] == "form" and entry.actor == officer


def test_errors_are_shown_beside_their_fields_in_the_users_language(client: Client, officer: Any, guide: GuideImport) -> None:
    client.force_login(officer)
    url = reverse("web:guide_directions", args=[guide.pk])
    response = client.post(url, form_data(guide, d0__quota_value="六", d2__quota_qualifier="range", d2__quota_max=""), headers=ZH)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="field invalid" data-field="quota_value">' in html
    assert '<span class="error" role="alert">输入一个数字。</span>' in html
    assert '<span class="error" role="alert">范围需要两个数字。</span>' in html
    response = client.post(url, form_data(guide, d2__quota_qualifier="range", d2__quota_max=""), headers=EN)
    assert '<span class="error" role="alert">A range needs both numbers.</span>' in response.content.decode()
    # Errors of the whole definition (from the schema) go beside the field they concern too.
    response = client.post(url, form_data(guide, d3__countries="ZZ"), headers=EN)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<li>The draft is not a valid call definition: correct the places listed.</li>" in html
    field = html[html.index('<p class="field invalid read-medium" data-field="countries">') :]
    assert field[: field.index("</p>")].endswith(
        '<span class="error" role="alert">“ZZ” is not an ISO 3166 country code.</span>\n'
    )
    # An error no single field shows (two directions with one code) is listed above the form.
    html = client.post(url, form_data(guide, d4__code="1.1"), headers=EN).content.decode()
    assert "<li>directions: Duplicate code(s): 1.1.</li>" in html
    guide.refresh_from_db()
    assert guide.draft["directions"][3]["partner"]["countries"] != ["ZZ"]
    assert not AuditEntry.objects.filter(action="shenbao.guide.draft_edited").exists()


def test_only_the_importing_officer_may_review(client: Client, officer: Any, guide: GuideImport) -> None:
    url = reverse("web:guide_directions", args=[guide.pk])
    preview = reverse("web:guide_directions_preview", args=[guide.pk])
    data = form_data(guide, d0__quota_value=7)
    assert client.post(url, data)["Location"].startswith(reverse("account_login"))
    other = UserFactory()
    grant_program_role(program=Call.objects.get().program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
    client.force_login(other)
    assert client.post(url, data).status_code == 404
    assert client.post(preview, data).status_code == 404
    client.force_login(UserFactory())  # not staff of any program
    assert client.post(url, data).status_code == 404
    guide.refresh_from_db()
    assert guide.draft["directions"][0]["quota"] == {"value": 6.0}
