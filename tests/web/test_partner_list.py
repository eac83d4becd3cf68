"""The partner agency's list of a bilateral call (seed 003): upload, the side-by-side report, the
kept list, comparing again, the export, refusals and who may do it."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Organisation, User
from shenbao.accounts.services.accounts import add_membership, register_user
from shenbao.applications.models import Application, PartnerList
from shenbao.applications.services.team import invite_team_member, respond_to_invitation
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from tests.applications.fixtures import matrix_users, open_call, submitted_seed_003_application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}

HEADER = "reference,english_title,field,partner_organisation,pi,duration_months\n"
DIFFERING = (
    HEADER
    + "MBIE-7,Smart water management,健康和生物医学,Massey University,Li Na,36\n"
    + "MBIE-8,Kiwi genomics,健康和生物医学,Massey University,Zhang San,24\n"
)


def csv_file(text: str, name: str = "mbie.csv") -> io.BytesIO:
    stream = io.BytesIO(text.encode("utf-8"))
    stream.name = name
    return stream


@pytest.fixture
def application(db: Any) -> Application:
    return submitted_seed_003_application(title="智慧水务")


@pytest.fixture
def officer(application: Application) -> User:
    user = UserFactory()
    grant_program_role(program=application.call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def url(application: Application) -> str:
    return reverse("web:partner_list", args=[application.call.code])


def test_upload_shows_each_difference_side_by_side_and_keeps_the_list(
    client: Client, application: Application, officer: User
) -> None:
    client.force_login(officer)
    page = client.get(url(application), headers=EN).content.decode()
    assert "No partner list has been imported for this call yet." in page
    response = client.post(url(application), {"file": csv_file(DIFFERING)}, headers=EN, follow=True)
    page = response.content.decode()
    assert "Imported 2 partner rows: 1 applications compared, 1 with a counterpart." in page
    assert '<span data-count="differing">1</span>' in page
    assert '<span data-count="missing">0</span>' in page
    assert '<span data-count="unclaimed">1</span>' in page
    rows = page.split('<table class="differences">')[1].split("</table>")[0]
    assert rows.count(f'<tr data-application="{application.pk}"') == 3
    pi = rows.split('data-field="pi">')[1].split("</tr>")[0]
    assert '<td>Principal investigator</td><td class="ours">王伟 / Wang Wei</td><td class="theirs">Li Na</td>' in pi
    duration = rows.split('data-field="duration">')[1].split("</tr>")[0]
    assert '<td class="ours">24</td><td class="theirs">36</td>' in duration
    partners = rows.split('data-field="partner_organisations">')[1].split("</tr>")[0]
    assert '<td class="ours">University of Auckland</td><td class="theirs">Massey University</td>' in partners
    unclaimed = page.split('<table class="unclaimed">')[1].split("</table>")[0]
    assert '<tr data-row="3"><td>3</td><td>MBIE-8</td><td>Kiwi genomics</td><td>Zhang San</td>' in unclaimed
    stored = PartnerList.objects.get(call=application.call)
    assert (stored.source, len(stored.rows), stored.imported_by) == ("mbie.csv", 2, officer)
    entry = AuditEntry.objects.get(action="shenbao.call.partner_list_imported")
    assert (entry.actor, entry.data) == (officer, {"source": "mbie.csv", "rows": 2, "replaced": False})
    # Reopened later, the page shows the kept comparison.
    again = client.get(url(application), headers=EN).content.decode()
    assert "Comparison with mbie.csv" in again
    assert again.split('<table class="differences">')[1].split("</table>")[0] == rows
    application.refresh_from_db()
    assert application.bilateral is not None
    assert application.bilateral["mismatches"] == ["partner_organisations", "pi", "duration"]


def test_the_comparison_exports_as_csv(client: Client, application: Application, officer: User) -> None:
    client.force_login(officer)
    client.post(url(application), {"file": csv_file(DIFFERING)})
    response = client.get(reverse("web:call_export", args=[application.call.code, "bilateral", "csv"]), headers=EN)
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    body = [line for line in lines if application.receipt_number in line or "MBIE-8" in line]
    assert len(body) == 4  # three differences and one unclaimed partner row
    assert any("Principal investigator" in line and "王伟 / Wang Wei" in line and "Li Na" in line for line in body)
    assert any("Partner row without a Chinese-side application" in line and "MBIE-8" in line for line in body)
    xlsx = client.get(reverse("web:call_export", args=[application.call.code, "bilateral", "xlsx"]))
    assert (xlsx.status_code, xlsx.content[:2]) == (200, b"PK")


def test_applications_without_counterpart_and_comparing_again(client: Client, application: Application, officer: User) -> None:
    client.force_login(officer)
    text = HEADER + "MBIE-9,Smart Water Management Systems for Cities,水,University of Auckland,Wang Wei,24\n"
    page = client.post(url(application), {"file": csv_file(text)}, headers=EN, follow=True).content.decode()
    missing = page.split('<ul class="missing">')[1].split("</ul>")[0]
    assert f'data-application="{application.pk}"' in missing
    assert '<span data-count="unclaimed">1</span>' in page
    Application.objects.filter(pk=application.pk).update(english_title="Smart Water Management Systems for Cities")
    page = client.post(url(application), {"again": "1"}, headers=EN, follow=True).content.decode()
    assert "Compared again with the list kept from mbie.csv." in page
    assert '<span data-count="missing">0</span>' in page and '<span data-count="differing">1</span>' in page
    field = page.split('data-field="field">')[1].split("</tr>")[0]
    assert '<td class="ours">健康和生物医学</td><td class="theirs">水</td>' in field


def test_an_xlsx_list_is_read_too(client: Client, application: Application, officer: User) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["reference", "english_title", "partner_organisation", "pi", "duration_months"])
    sheet.append(["MBIE-7", "Smart Water Management", "University of Auckland", "Wang Wei", 24])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "mbie.xlsx"
    client.force_login(officer)
    page = client.post(url(application), {"file": upload}, headers=EN, follow=True).content.decode()
    assert "Imported 1 partner rows: 1 applications compared, 1 with a counterpart." in page
    matched = page.split('<ul class="matched">')[1].split("</ul>")[0]
    assert f'data-application="{application.pk}"' in matched


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4\n%%EOF\n", "mbie.csv", "Only .csv and .xlsx files can be imported."),
        (b"PK\x03\x04broken", "mbie.xlsx", "Only .csv and .xlsx files can be imported."),
        (b"english_title,pi\nabc\x80\n", "mbie.csv", "The file is not UTF-8 or GB18030 text."),
        (
            b"reference,title\nMBIE-7,Smart water\n",
            "mbie.csv",
            "Row 1, column english_title: The column is missing. Row 1, column pi: The column is missing.",
        ),
        (b"reference,english_title,pi\n", "mbie.csv", "-: The table has no rows; nothing was changed."),
        (
            b"english_title,pi,duration_months\nSmart water,Wang Wei,two years\n",
            "mbie.csv",
            "Row 2, column duration_months: “two years” is not a number.",
        ),
    ],
)
def test_wrong_or_malformed_files_are_refused_and_keep_the_previous_list(
    client: Client, application: Application, officer: User, content: bytes, name: str, message: str
) -> None:
    client.force_login(officer)
    client.post(url(application), {"file": csv_file(DIFFERING)})
    before = PartnerList.objects.get(call=application.call).report
    upload = io.BytesIO(content)
    upload.name = name
    page = client.post(url(application), {"file": upload}, headers=EN, follow=True).content.decode()
    assert message in page
    assert PartnerList.objects.get(call=application.call).report == before
    assert AuditEntry.objects.filter(action="shenbao.call.partner_list_imported").count() == 1


def test_no_file_and_oversize_files_are_refused(client: Client, application: Application, officer: User) -> None:
    client.force_login(officer)
    page = client.post(url(application), {}, headers=EN, follow=True).content.decode()
    assert "Choose a .xlsx or .csv file." in page
    big = csv_file(HEADER + "x" * (12 * 1024 * 1024))
    response = client.post(url(application), {"file": big}, headers=EN)
    assert response.status_code == 413
    assert "at most 10 MB" in response.content.decode()
    assert not PartnerList.objects.exists()


def test_oversize_within_the_request_allowance_is_refused_by_the_page(
    client: Client, application: Application, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shenbao.web.staff import bilateral

    client.force_login(officer)
    # The page's own check (the middleware allows a megabyte of other form fields on top of the limit).
    monkeypatch.setattr(bilateral, "MAX_TABLE_MB", 0)
    page = client.post(url(application), {"file": csv_file(DIFFERING)}, headers=EN, follow=True).content.decode()
    assert "The file is 0.0 MB; at most 0 MB is allowed." in page
    assert not PartnerList.objects.exists()


def _people(application: Application, officer: User) -> dict[str, User | None]:
    users: dict[str, User | None] = {"anonymous": None, "applicant": application.applicant, "program_officer": officer}
    member = register_user(email="member@example.com", password=None, name="团队成员")
    # The application is submitted (its team frozen): the accepted member is set up directly.
    token = "t-" + str(application.pk)
    application.team.create(email=member.email, name="团队成员", role="member", token=token)
    respond_to_invitation(token=token, accept=True, user=member)
    users["team_member"] = member
    users["other_applicant"] = register_user(email="other@example.com", password=None, name="他人")
    institution = register_user(email="inst@example.com", password=None, name="依托单位")
    assert application.lead_organisation is not None
    add_membership(user=institution, organisation=application.lead_organisation, role=MembershipRole.OFFICER)
    users["institution_officer"] = institution
    other = UserFactory()
    grant_program_role(program=open_call("004", code="other-004").program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
    users["staff_of_another_program"] = other
    return users


@pytest.mark.parametrize(
    ("who", "see", "post"),
    [
        ("anonymous", 302, 302),
        ("applicant", 404, 404),
        ("team_member", 404, 404),
        ("other_applicant", 404, 404),
        ("institution_officer", 404, 404),
        ("staff_of_another_program", 404, 404),
        ("program_officer", 200, 302),
    ],
)
def test_partner_list_permission_matrix(
    client: Client, application: Application, officer: User, who: str, see: int, post: int
) -> None:
    users = _people(application, officer)
    if users[who] is not None:
        client.force_login(users[who])
    response = client.get(url(application))
    assert response.status_code == see
    if who == "anonymous":
        assert response["Location"].startswith(reverse("web:login"))
    assert client.post(url(application), {"file": csv_file(DIFFERING)}).status_code == post
    assert client.post(url(application), {"again": "1"}).status_code == post
    export = client.get(reverse("web:call_export", args=[application.call.code, "bilateral", "csv"]))
    assert export.status_code == {200: 200, 302: 302}.get(see, 404)
    assert PartnerList.objects.filter(call=application.call).count() == (1 if who == "program_officer" else 0)
    application.refresh_from_db()
    assert (application.bilateral is not None) == (who == "program_officer")


def test_only_bilateral_calls_have_the_page_and_the_links(client: Client, application: Application, officer: User) -> None:
    xiaomi = open_call("000", code="xiaomi-000")
    grant_program_role(program=xiaomi.program, user=officer, role=ProgramRoleKind.PROGRAM_OFFICER)
    client.force_login(officer)
    assert client.get(reverse("web:partner_list", args=[xiaomi.code])).status_code == 404
    assert client.get(reverse("web:call_export", args=[xiaomi.code, "bilateral", "csv"])).status_code == 404
    calls = client.get(reverse("web:staff_calls"), headers=EN).content.decode()
    assert calls.count("Partner agency's list") == 1
    assert url(application) in calls
    queue = client.get(reverse("web:formal_check", args=[application.call.code]), headers=EN).content.decode()
    assert f'href="{url(application)}" class="partner-list"' in queue
    other_queue = client.get(reverse("web:formal_check", args=[xiaomi.code]), headers=EN).content.decode()
    assert 'class="partner-list"' not in other_queue
    assert "bilateral.xlsx" not in other_queue


def test_team_member_removed_on_the_page(client: Client, application: Application) -> None:
    # (on a draft of the same applicant: submitted teams are frozen)
    from shenbao.applications.services.drafts import start_application

    draft = start_application(
        call=application.call,
        direction=application.call.directions.get(code="1.2"),
        applicant=application.applicant,
        lead_organisation=application.lead_organisation,
    )
    member = invite_team_member(
        application=draft, email="li@example.com", name="李娜", role="member", actor=application.applicant
    )
    client.force_login(application.applicant)
    page = client.get(reverse("web:application", args=[draft.pk])).content.decode()
    assert reverse("web:application_team_remove", args=[draft.pk, member.pk]) in page
    response = client.post(reverse("web:application_team_remove", args=[draft.pk, member.pk]), headers=EN, follow=True)
    assert "li@example.com was taken off the team." in response.content.decode()
    assert draft.team.count() == 0
    stranger = register_user(email="x@example.com", password=None, name="旁人")
    again = invite_team_member(application=draft, email="li@example.com", name="李娜", role="member", actor=draft.applicant)
    client.force_login(stranger)
    assert client.post(reverse("web:application_team_remove", args=[draft.pk, again.pk])).status_code == 404
    assert draft.team.count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("applicant", 302),
        ("team_member", 404),
        ("other_applicant", 404),
        ("institution_officer", 404),
        ("staff_of_another_program", 404),
        ("program_officer", 404),
    ],
)
def test_team_removal_permission_matrix(
    client: Client, ready_application: Callable[..., Application], university: Organisation, who: str, status: int
) -> None:
    draft = ready_application()
    users = matrix_users(draft, university)
    member = invite_team_member(application=draft, email="li@example.com", name="李娜", role="member", actor=draft.applicant)
    if users[who] is not None:
        client.force_login(users[who])
    response = client.post(reverse("web:application_team_remove", args=[draft.pk, member.pk]))
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"].startswith(reverse("web:login"))
    removed = who == "applicant"
    assert draft.team.filter(pk=member.pk).exists() is not removed
    assert AuditEntry.objects.filter(action="shenbao.application.team_removed").count() == (1 if removed else 0)


def test_report_page_query_count_does_not_grow_with_the_report(client: Client, application: Application, officer: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    client.post(url(application), {"file": csv_file(DIFFERING)})
    with CaptureQueriesContext(connection) as small:
        client.get(url(application))
    stored = PartnerList.objects.get(call=application.call)
    entry = stored.report["applications"][0]
    stored.report["applications"] = [{**entry, "application": application.pk, "receipt": f"R-{i}"} for i in range(40)]
    stored.report["unclaimed"] = stored.report["unclaimed"] * 40
    stored.save(update_fields=["report"])
    with CaptureQueriesContext(connection) as large:
        page = client.get(url(application)).content.decode()
    assert page.count('data-field="pi"') == 40
    assert len(large.captured_queries) == len(small.captured_queries)
