"""Seed 003 KPIs split by side or by country (1.2 "各派2人次以上", 1.3 "各派3人次以上", 2.6 and 2.9 "在两国
各举办一次"): a report meets such a target only when every part meets it; conditions and the
basic-research exemption travel with the target and are shown on the project page."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable

import pytest
from django.apps import apps as django_apps
from django.test import Client

from shenbao.accounts.models import User
from shenbao.calls.definition.load import parse_file
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.projects.errors import ProjectError
from shenbao.projects.kpis import merge_actuals, read_target, split_parts
from shenbao.projects.models import KpiTarget, Project, Report
from shenbao.projects.queries import target_rows
from shenbao.projects.services.projects import submit_report
from tests.factories import UserFactory
from tests.projects.fixtures import started_project


@pytest.fixture
def call(load_seed: Callable[[str], Call]) -> Call:
    return load_seed("003")


@pytest.fixture
def officer(call: Call) -> User:
    user = UserFactory()
    grant_program_role(program=call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def rows(project: Project) -> list[tuple[str, float | None, bool | None, str, list[tuple[str, float | None]]]]:
    return [(r.target.code, r.actual, r.met, r.status, [(p.key, p.actual) for p in r.parts]) for r in target_rows(project)]


# ------------------------------------------------------------------ the reading (pure)


def test_a_split_target_is_not_met_when_the_total_is_but_one_side_is_short() -> None:
    reading = read_target(
        comparator=">=", target=2, parts=["chinese", "foreign"], exempt=False, reported={"chinese": 4, "foreign": 0}
    )
    assert (reading.actual, reading.met, reading.status) == (4.0, False, "not_met")
    assert [(p.key, p.actual, p.met) for p in reading.parts] == [("chinese", 4.0, True), ("foreign", 0.0, False)]


def test_a_split_target_is_met_when_each_part_reaches_it() -> None:
    reading = read_target(
        comparator=">=", target=2, parts=["chinese", "foreign"], exempt=False, reported={"chinese": 2, "foreign": 3}
    )
    assert (reading.actual, reading.met, reading.status) == (5.0, True, "met")


def test_a_split_target_with_a_part_unreported_is_not_met() -> None:
    reading = read_target(comparator=">=", target=1, parts=["CN", "UZ"], exempt=False, reported={"CN": 1})
    assert (reading.actual, reading.met, [p.actual for p in reading.parts]) == (1.0, False, [1.0, None])


def test_a_split_target_with_nothing_reported_is_not_reported() -> None:
    reading = read_target(comparator=">=", target=1, parts=["CN", "RU"], exempt=False, reported=None)
    assert (reading.actual, reading.met, reading.status) == (None, None, "not_reported")


def test_a_split_target_reported_as_one_number_reads_as_a_total_never_as_met() -> None:
    """Reports stored before targets were split keep their number; it cannot show that each side met it."""
    reading = read_target(comparator=">=", target=2, parts=["chinese", "foreign"], exempt=False, reported=9)
    assert (reading.actual, reading.met, reading.status) == (9.0, None, "total_only")


def test_an_exempt_target_is_exempt_whatever_is_reported() -> None:
    reading = read_target(comparator=">=", target=3, parts=[], exempt=True, reported=0)
    assert (reading.actual, reading.met, reading.status) == (0.0, None, "exempt")


def test_later_reports_update_the_parts_they_name_and_keep_the_others() -> None:
    merged = merge_actuals([{"v": {"chinese": 1, "foreign": 2}, "t": 1}, {"v": {"chinese": 3}, "t": 4}])
    assert merged == {"v": {"chinese": 3.0, "foreign": 2.0}, "t": 4.0}


def test_parts_are_the_two_sides_the_listed_countries_or_china_and_the_partner_countries() -> None:
    assert split_parts("project") == []
    assert split_parts("each_side") == ["chinese", "foreign"]
    assert split_parts("each_country", countries=["CN", "UZ"], partner_countries=["KZ"]) == ["CN", "UZ"]
    assert split_parts("each_country", partner_countries=["RU", "CN", "BY"]) == ["CN", "BY", "RU"]


# ------------------------------------------------------------------ the seed's own definition


def test_seed_003_kpi_templates_split_by_side_and_country_as_the_seed_says() -> None:
    kpis = {k.code: k for k in parse_file(SEED_FILES["003"]).kpi_templates}
    assert [(kpis[c].per, kpis[c].target, kpis[c].countries) for c in ("kpi-1.2-visits", "kpi-1.3-visits")] == [
        ("each_side", 2, []),
        ("each_side", 3, []),
    ]
    assert [(c, kpis[c].per, kpis[c].target, kpis[c].countries) for c in sorted(kpis) if kpis[c].per == "each_country"] == [
        ("kpi-2.6-conference-foreign", "each_country", 6, ["CN", "UZ"]),
        ("kpi-2.6-conferences", "each_country", 1, ["CN", "UZ"]),
        ("kpi-2.9-seminar-foreign-share", "each_country", 20, ["CN", "RU"]),
        ("kpi-2.9-seminars", "each_country", 1, ["CN", "RU"]),
    ]
    # "累计不少于10人次的互访" is one total, not per side.
    assert (kpis["kpi-2.6-visits"].per, kpis["kpi-2.9-visits"].per) == ("project", "project")
    assert "3个月以上" in kpis["kpi-1.2-visits"].conditions.zh_hans  # type: ignore[union-attr]
    assert "50人以上" in kpis["kpi-1.4-events"].conditions.zh_hans  # type: ignore[union-attr]
    assert "30人" in kpis["kpi-2.6-conferences"].conditions.zh_hans  # type: ignore[union-attr]
    exempt = [c for c in sorted(kpis) if kpis[c].exempt_when is not None]
    assert exempt == ["kpi-2.2-patents", "kpi-2.8-patents"]
    assert [(kpis[c].exempt_when.field, kpis[c].exempt_when.values) for c in exempt] == [  # type: ignore[union-attr]
        ("research_category", ["basic"]),
        ("research_category", ["basic"]),
    ]


def test_a_1_2_project_meets_its_visits_only_when_each_side_sent_two(call: Call, officer: User) -> None:
    project = started_project(call, direction="1.2", officer=officer)
    target = project.targets.get()
    assert (target.code, target.per, target.parts, target.target) == ("kpi-1.2-visits", "each_side", ["chinese", "foreign"], 2.0)
    assert target.conditions["zh-hans"].startswith("项目执行期内，中埃双方合作团队各派人员")
    pi = project.agreement.award.application.applicant
    submit_report(
        project=project, kind="midterm", actuals={"kpi-1.2-visits": {"chinese": 4, "foreign": 0}}, text="中方4人次", actor=pi
    )
    assert rows(project) == [("kpi-1.2-visits", 4.0, False, "not_met", [("chinese", 4.0), ("foreign", 0.0)])]
    submit_report(project=project, kind="final", actuals={"kpi-1.2-visits": {"foreign": 2}}, text="埃方2人次", actor=pi)
    assert rows(project) == [("kpi-1.2-visits", 6.0, True, "met", [("chinese", 4.0), ("foreign", 2.0)])]


def test_a_1_3_project_needs_three_from_each_side(call: Call, officer: User) -> None:
    project = started_project(call, direction="1.3", officer=officer)
    pi = project.agreement.award.application.applicant
    submit_report(project=project, kind="midterm", actuals={"kpi-1.3-visits": {"chinese": 3, "foreign": 2}}, text="x", actor=pi)
    assert rows(project) == [("kpi-1.3-visits", 5.0, False, "not_met", [("chinese", 3.0), ("foreign", 2.0)])]


def test_a_2_9_project_needs_a_seminar_in_china_and_one_in_russia(call: Call, officer: User) -> None:
    project = started_project(call, direction="2.9", officer=officer)
    assert {t.code: t.parts for t in project.targets.all()} == {
        "kpi-2.9-visits": [],
        "kpi-2.9-seminars": ["CN", "RU"],
        "kpi-2.9-seminar-foreign-share": ["CN", "RU"],
    }
    pi = project.agreement.award.application.applicant
    submit_report(
        project=project,
        kind="final",
        actuals={
            "kpi-2.9-visits": 10,
            "kpi-2.9-seminars": {"CN": 2, "RU": 0},
            "kpi-2.9-seminar-foreign-share": {"CN": 25, "RU": 40},
        },
        text="两次会议都在中国",
        actor=pi,
    )
    assert [(code, met) for code, _, met, _, _ in rows(project)] == [
        ("kpi-2.9-seminar-foreign-share", True),
        ("kpi-2.9-seminars", False),
        ("kpi-2.9-visits", True),
    ]


def test_a_split_target_reported_as_one_number_or_with_an_unknown_part_is_refused(call: Call, officer: User) -> None:
    project = started_project(call, direction="1.2", officer=officer)
    pi = project.agreement.award.application.applicant
    with pytest.raises(ProjectError) as total:
        submit_report(project=project, kind="midterm", actuals={"kpi-1.2-visits": 4}, text="合计4人次", actor=pi)
    assert str(total.value) == "请分别报告 kpi-1.2-visits 的各部分。"
    with pytest.raises(ProjectError) as unknown:
        submit_report(project=project, kind="midterm", actuals={"kpi-1.2-visits": {"chinese": 2, "EG": 2}}, text="x", actor=pi)
    assert str(unknown.value) == "不属于 kpi-1.2-visits 的组成部分：EG。"
    assert not Report.objects.filter(project=project).exists()


def test_the_patent_target_is_waived_for_a_basic_research_2_2_project_only(call: Call, officer: User) -> None:
    basic = started_project(call, direction="2.2", officer=officer, values={"research_category": "basic"}, email="a@example.com")
    applied = started_project(
        call, direction="2.2", officer=officer, values={"research_category": "applied"}, email="b@example.com"
    )
    unanswered = started_project(call, direction="2.2", officer=officer, email="c@example.com")
    assert [KpiTarget.objects.get(project=p, code="kpi-2.2-patents").exempt for p in (basic, applied, unanswered)] == [
        True,
        False,
        False,
    ]
    # Only the patent target is waived; the events target still applies to the basic-research project.
    assert [t.code for t in basic.targets.filter(exempt=True)] == ["kpi-2.2-patents"]
    for project in (basic, applied):
        submit_report(
            project=project,
            kind="final",
            actuals={"kpi-2.2-patents": 0},
            text="无专利",
            actor=project.agreement.award.application.applicant,
        )
    assert [(r.target.code, r.status) for r in target_rows(basic) if r.target.code == "kpi-2.2-patents"] == [
        ("kpi-2.2-patents", "exempt")
    ]
    assert [(r.target.code, r.status) for r in target_rows(applied) if r.target.code == "kpi-2.2-patents"] == [
        ("kpi-2.2-patents", "not_met")
    ]


# ------------------------------------------------------------------ the page and the report form


def test_the_project_page_shows_each_part_the_conditions_and_reports_per_part(call: Call, officer: User, client: Client) -> None:
    project = started_project(call, direction="1.2", officer=officer)
    pi = project.agreement.award.application.applicant
    client.force_login(pi)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'name="actual-kpi-1.2-visits-chinese"' in page and 'name="actual-kpi-1.2-visits-foreign"' in page
    assert 'name="actual-kpi-1.2-visits"' not in page
    assert "3个月以上的交流访问" in page and "双方各自须达到" in page
    response = client.post(
        f"/projects/{project.pk}/act/",
        {
            "action": "report",
            "kind": "midterm",
            "text": "进展",
            "actual-kpi-1.2-visits-chinese": "2",
            "actual-kpi-1.2-visits-foreign": "1",
        },
    )
    assert response.status_code == 302
    assert Report.objects.get(project=project).actuals == {"kpi-1.2-visits": {"chinese": 2.0, "foreign": 1.0}}
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-kpi="kpi-1.2-visits" data-status="not_met"' in page
    assert 'data-part="foreign">外方：1' in page


def test_the_project_page_shows_the_exemption_on_a_basic_research_project(call: Call, officer: User, client: Client) -> None:
    project = started_project(call, direction="2.8", officer=officer, values={"research_category": "basic"})
    client.force_login(project.agreement.award.application.applicant)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-kpi="kpi-2.8-patents" data-status="exempt"' in page
    assert "基础研究类项目除外。 · 本项目适用。" in page


# ------------------------------------------------------------------ stored targets from before the split


def test_the_data_migration_gives_stored_targets_their_parts_conditions_and_exemption(call: Call, officer: User) -> None:
    egypt = started_project(call, direction="1.2", officer=officer, email="a@example.com")
    uzbek = started_project(call, direction="2.6", officer=officer, partner_country="UZ", email="b@example.com")
    basic = started_project(call, direction="2.8", officer=officer, values={"research_category": "basic"}, email="c@example.com")
    # As the rows were stored before: no parts, no conditions, no exemption; one report with a total.
    KpiTarget.objects.update(per="project", parts=[], conditions={}, exemption={}, exempt=False)
    Report.objects.create(project=egypt, kind="midterm", actuals={"kpi-1.2-visits": 5}, text="旧报告")
    migration = importlib.import_module("shenbao.projects.migrations.0003_kpi_target_parts_conditions_exemption")
    migration._backfill(django_apps, None)
    assert KpiTarget.objects.get(project=egypt).parts == ["chinese", "foreign"]
    assert {t.code: t.parts for t in uzbek.targets.all()} == {
        "kpi-2.6-visits": [],
        "kpi-2.6-conferences": ["CN", "UZ"],
        "kpi-2.6-conference-foreign": ["CN", "UZ"],
    }
    patents = KpiTarget.objects.get(project=basic, code="kpi-2.8-patents")
    assert (patents.exempt, patents.exemption["zh-hans"]) == (True, "基础研究类项目除外。")
    assert KpiTarget.objects.get(project=basic, code="kpi-2.8-events").conditions["zh-hans"] == "每次活动50人以上。"
    # The old total still reads, as a total that cannot show each side.
    assert rows(egypt) == [("kpi-1.2-visits", 5.0, None, "total_only", [("chinese", None), ("foreign", None)])]


def test_projects_start_on_the_given_day(call: Call, officer: User) -> None:
    project = started_project(call, direction="1.2", officer=officer, start=dt.date(2026, 1, 5), duration_months=24)
    assert (project.start_date, project.end_date) == (dt.date(2026, 1, 5), dt.date(2028, 1, 5))
