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


# --------------------------------------------------------------------- adding and removing directions


def seen(guide: GuideImport) -> dict[str, str]:
    """The direction codes the page was drawn from, as it posts them back."""
    return {"directions_seen": "\n".join(str(d["code"]) for d in guide.draft.get("directions", []))}


NOTICE = (
    "关于征集2026年安全生产科技攻关项目的通知\n各有关单位：\n本次共征集3个方向的科技攻关项目。\n一、征集方向\n"
    "方向一：煤矿井下主运输系统无人值守。\n方向二：矿山设备精确定位与防碰撞。\n方向三：危险货物运输车辆碰撞主动防控。\n"
    "二、申报时间\n请于2026年3月15日前提交申报材料。\n"
)


@pytest.fixture
def notice(officer: Any) -> GuideImport:
    return import_guide(data=NOTICE.encode(), filename="notice.txt", actor=officer)


def test_a_direction_is_removed_from_the_draft(client: Client, officer: Any, notice: GuideImport) -> None:
    client.force_login(officer)
    assert [d["code"] for d in notice.draft["directions"]] == ["1", "2", "3"]
    # A direction being removed is not checked: a value typed wrong in it does not stop the save.
    data = {**form_data(notice, d1__remove="on", d1__quota_value="x"), **seen(notice)}
    response = client.post(reverse("web:guide_directions", args=[notice.pk]), data, headers=EN)
    assert response.status_code == 302
    notice.refresh_from_db()
    assert [d["code"] for d in notice.draft["directions"]] == ["1", "3"]
    assert notice.draft["directions"][1]["title"] == {"zh-hans": "危险货物运输车辆碰撞主动防控"}
    entry = AuditEntry.objects.get(action="shenbao.guide.draft_edited")
    assert entry.data == {"call": notice.draft["call"]["code"], "via": "form", "removed": ["2"]}


def test_a_direction_the_rules_refer_to_is_not_removed(client: Client, officer: Any, guide: GuideImport) -> None:
    client.force_login(officer)
    response = client.post(
        reverse("web:guide_directions", args=[guide.pk]), {**form_data(guide, d1__remove="on"), **seen(guide)}, headers=EN
    )
    assert response.status_code == 400
    assert "<li>eligibility.2.directions: Refers to “1.2”, which is not defined in this call.</li>" in response.content.decode()
    guide.refresh_from_db()
    assert len(guide.draft["directions"]) == 19
    assert not AuditEntry.objects.filter(action="shenbao.guide.draft_edited").exists()


def test_a_direction_the_importer_missed_is_added(client: Client, officer: Any, guide: GuideImport) -> None:
    client.force_login(officer)
    page = client.get(reverse("web:guide_detail", args=[guide.pk]), headers=ZH).content.decode()
    assert "<legend>添加方向</legend>" in page and 'name="new-title"' in page
    assert '<input type="hidden" name="directions_seen" value="1.1\n1.2' in page
    new = {
        "new-title": "中国和冰岛政府间科技合作项目",
        "new-quota_qualifier": "at_most",
        "new-quota_value": "2",
        "new-per_project": "50",
        "new-duration_qualifier": "exact",
        "new-duration_value": "2",
        "new-duration_unit": "years",
        "new-countries": "is",
    }
    response = client.post(reverse("web:guide_directions", args=[guide.pk]), {**form_data(guide), **new, **seen(guide)})
    assert response.status_code == 302
    guide.refresh_from_db()
    added = guide.draft["directions"][-1]
    assert len(guide.draft["directions"]) == 20
    assert added["code"] == "20"  # the codes are 1.1 … : the next number after the 19 directions
    assert added["title"] == {"zh-hans": "中国和冰岛政府间科技合作项目"}
    assert added["quota"] == {"qualifier": "at_most", "value": 2.0}
    assert added["budget"] == {"per_project": {"amount_wan": 50.0}}
    assert added["duration"] == {"value": 2.0}  # exact and in years: the defaults are not written
    assert added["partner"] == {"countries": ["IS"]}
    entry = AuditEntry.objects.get(action="shenbao.guide.draft_edited")
    assert entry.data["added"] == ["20"] and "removed" not in entry.data


def test_an_empty_new_direction_adds_nothing(client: Client, officer: Any, guide: GuideImport) -> None:
    client.force_login(officer)
    data = {**form_data(guide, d0__quota_value=7), "new-title": "  ", "new-duration_unit": "years", **seen(guide)}
    assert client.post(reverse("web:guide_directions", args=[guide.pk]), data).status_code == 302
    guide.refresh_from_db()
    assert len(guide.draft["directions"]) == 19 and guide.draft["directions"][0]["quota"] == {"value": 7.0}


def test_a_new_direction_needs_a_title_and_a_code_of_its_own(client: Client, officer: Any, guide: GuideImport) -> None:
    client.force_login(officer)
    url = reverse("web:guide_directions", args=[guide.pk])
    response = client.post(url, {**form_data(guide), "new-quota_value": "3", **seen(guide)}, headers=ZH)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<span class="error" role="alert">请填写新方向的名称，或将其所有字段留空。</span>' in html
    assert 'name="new-quota_value" value="3"' in html  # what was typed stays
    response = client.post(url, {**form_data(guide), "new-quota_value": "3", **seen(guide)}, headers=EN)
    assert "Give the new direction a title, or leave all its fields empty." in response.content.decode()
    # A code already in use: the schema's error is listed, nothing is saved.
    response = client.post(url, {**form_data(guide), "new-code": "1.1", "new-title": "重复", **seen(guide)}, headers=EN)
    assert response.status_code == 400
    assert "<li>directions: Duplicate code(s): 1.1.</li>" in response.content.decode()
    guide.refresh_from_db()
    assert len(guide.draft["directions"]) == 19
    assert not AuditEntry.objects.filter(action="shenbao.guide.draft_edited").exists()


def test_a_form_drawn_from_other_directions_saves_nothing(client: Client, officer: Any, notice: GuideImport) -> None:
    client.force_login(officer)
    url = reverse("web:guide_directions", args=[notice.pk])
    stale = {**form_data(notice, d1__remove="on"), **seen(notice)}
    # Meanwhile a second tab removed the first direction: the same positions now hold other directions.
    first = {**form_data(notice, d0__remove="on"), **seen(notice)}
    assert client.post(url, first).status_code == 302
    response = client.post(url, stale, headers=ZH)
    assert response.status_code == 409
    assert "自您打开本页以来，方向已在别处被修改。本次未保存任何内容" in response.content.decode()
    notice.refresh_from_db()
    assert [d["code"] for d in notice.draft["directions"]] == ["2", "3"]
    assert AuditEntry.objects.filter(action="shenbao.guide.draft_edited").count() == 1


def test_the_service_refuses_a_save_drawn_from_other_directions(officer: Any, guide: GuideImport) -> None:
    from shenbao.guides.errors import DirectionsChanged
    from shenbao.guides.services import update_guide_directions

    directions = guide.draft["directions"][1:]
    with pytest.raises(DirectionsChanged):
        update_guide_directions(guide=guide, directions=directions, actor=officer, seen=["1.1"])
    guide.refresh_from_db()
    assert len(guide.draft["directions"]) == 19


def test_the_sums_follow_a_removal_before_it_is_saved(client: Client, officer: Any, notice: GuideImport) -> None:
    client.force_login(officer)
    url = reverse("web:guide_directions_preview", args=[notice.pk])
    assert next(r for r in notice.reconciliation if r["measure"] == "directions")["matches"]
    # The notice states 3 directions; one removed in the form, the sums show 2 before anything is saved.
    html = client.post(url, {**form_data(notice, d2__remove="on"), **seen(notice)}, headers=EN).content.decode()
    assert "Not saved yet: the sums show the values now in the form." in html
    assert '<tr class="mismatch" data-measure="directions">' in html
    notice.refresh_from_db()
    assert len(notice.draft["directions"]) == 3


@pytest.mark.parametrize(
    ("codes", "expected"),
    [([], "1"), (["1", "2", "5"], "6"), (["1.1", "1.2"], "3"), (["A", "B", "3"], "4"), (["1", "2", "3.1"], "3")],
)
def test_the_next_code_of_a_new_direction(codes: list[str], expected: str) -> None:
    from shenbao.web.staff.guide_forms import next_code

    assert next_code([{"code": c} for c in codes]) == expected


# ------------------------------------------------------------------ names the importer was unsure of

UNSURE = (
    "关于征集2026年产业技术需求的通知\n各有关单位：\n一、本年度需求\n"
    "1.智能传感器。研发高精度传感器芯片。\n2.工业软件。研发国产工业设计软件。\n3.新能源汽车电池。提升电池能量密度。\n"
    "请于2026年3月1日前提交。\n"
)


def test_names_the_importer_was_unsure_of_are_offered_and_added_with_the_forms_values(client: Client, officer: Any) -> None:
    guide = import_guide(data=UNSURE.encode(), filename="needs.txt", actor=officer)
    assert guide.draft.get("directions", []) == []
    assert [s["title"] for s in guide.suggestions] == ["智能传感器", "工业软件", "新能源汽车电池"]
    first = guide.suggestions[0]
    assert UNSURE[first["source_start"] : first["source_end"]] == "智能传感器"
    client.force_login(officer)
    page = client.get(reverse("web:guide_detail", args=[guide.pk]), headers=ZH).content.decode()
    assert "<h4>原文中另列的名称</h4>" in page
    assert page.count('name="add_suggestion"') == 3
    # Each is marked in the source (not as a value read) and linked from the list.
    assert page.count('class="span suggested" data-path="suggestions.') == 3
    assert 'data-path="suggestions.0" title="列在草稿旁供选用，未作为方向读入">智能传感器</mark>' in page
    mark = page[: page.index('data-path="suggestions.0"')]
    anchor = mark[mark.rindex('<mark id="') + len('<mark id="') :].split('"')[0]
    assert f'<a href="#{anchor}" class="source-link">来源</a>' in page
    url = reverse("web:guide_directions", args=[guide.pk])
    # The second one is added; the new-direction fields typed at the same time are saved with it.
    data = {"new-title": "工业机器人", "new-duration_unit": "years", "add_suggestion": "1", **seen(guide)}
    assert client.post(url, data).status_code == 302
    guide.refresh_from_db()
    assert [(d["code"], d["title"]["zh-hans"]) for d in guide.draft["directions"]] == [("1", "工业机器人"), ("2", "工业软件")]
    page = client.get(reverse("web:guide_detail", args=[guide.pk]), headers=EN).content.decode()
    assert "<h4>Also named in the text</h4>" in page
    assert page.count('name="add_suggestion"') == 2 and ">工业软件</span>" not in page  # no longer offered
    entry = AuditEntry.objects.filter(action="shenbao.guide.draft_edited").get()
    assert entry.data["added"] == ["1", "2"]


def test_an_unknown_suggestion_adds_nothing(client: Client, officer: Any) -> None:
    guide = import_guide(data=UNSURE.encode(), filename="needs.txt", actor=officer)
    client.force_login(officer)
    url = reverse("web:guide_directions", args=[guide.pk])
    for value in ("7", "-1", "x"):
        assert client.post(url, {"add_suggestion": value, **seen(guide)}).status_code == 302
    guide.refresh_from_db()
    assert guide.draft.get("directions", []) == []
    assert not AuditEntry.objects.filter(action="shenbao.guide.draft_edited").exists()


def test_a_guide_read_by_its_layout_offers_nothing(guide: GuideImport) -> None:
    assert guide.suggestions == []
