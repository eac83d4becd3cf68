"""The staff application list (search, sorting, paging, filters in the URL, saved searches), the call
dashboard, exports that name their filter, permissions of the new pages and their query counts."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.services.accounts import add_membership
from shenbao.applications.models import Application, SavedSearch
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.models import Call
from shenbao.calls.services.roles import grant_program_role
from shenbao.core.models import AuditEntry
from shenbao.reviews.models import Assignment
from tests.applications.fixtures import open_call
from tests.factories import OrganisationFactory, UserFactory
from tests.reviews.search_fixtures import make_row

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def officer(xiaomi_call: Call) -> Any:
    user = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
    return user


def _listed(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-application="(\d+)"', page)]


def _list(client: Client, call: Call, query: str = "") -> Any:
    return client.get(reverse("web:formal_check", args=[call.code]) + query, headers=EN)


def test_list_sorts_by_each_column_both_ways(client: Client, officer: Any, xiaomi_call: Call) -> None:
    a = make_row(xiaomi_call, receipt="R-2", title="乙", direction="XM-T2", scores=(70,))
    b = make_row(xiaomi_call, receipt="R-1", title="甲", direction="XM-T1", scores=(90,))
    c = make_row(xiaomi_call, receipt="R-3", title="丙", direction="XM-T1", state="endorsed")
    client.force_login(officer)
    assert _listed(_list(client, xiaomi_call, "?sort=receipt").content.decode()) == [b.pk, a.pk, c.pk]
    assert _listed(_list(client, xiaomi_call, "?sort=-receipt").content.decode()) == [c.pk, a.pk, b.pk]
    assert _listed(_list(client, xiaomi_call, "?sort=-score").content.decode()) == [b.pk, a.pk, c.pk]
    assert _listed(_list(client, xiaomi_call, "?sort=score").content.decode()) == [a.pk, b.pk, c.pk]  # unscored last
    assert _listed(_list(client, xiaomi_call, "?sort=-state").content.decode())[0] == a.pk  # submitted > endorsed
    page = _list(client, xiaomi_call, "?sort=receipt&q=R").content.decode()
    # The current column links to the reverse order and says so; every link keeps the search.
    assert '<th scope="col" aria-sort="ascending" class="sortable"><a href="?sort=-receipt&amp;q=R"' in page
    assert 'href="?sort=score&amp;q=R" data-sort="score"' in page


def test_list_pages_and_keeps_the_filters_in_every_link(client: Client, officer: Any, xiaomi_call: Call) -> None:
    rows = [make_row(xiaomi_call, receipt=f"P-{i:02}", direction="XM-T1") for i in range(27)]
    client.force_login(officer)
    first = _list(client, xiaomi_call, "?q=direction:XM-T1&per=25&sort=receipt").content.decode()
    assert _listed(first) == [r.pk for r in rows[:25]]
    assert 'data-total="27"' in first and "1–25 of 27" in first
    assert 'href="?q=direction%3AXM-T1&amp;per=25&amp;sort=receipt&amp;page=2" rel="next"' in first
    second = _list(client, xiaomi_call, "?q=direction:XM-T1&per=25&sort=receipt&page=2").content.decode()
    assert _listed(second) == [r.pk for r in rows[25:]]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # The bulk decision returns to the same filtered page.
    assert '<input type="hidden" name="query" value="q=direction%3AXM-T1&amp;per=25&amp;sort=receipt&amp;page=2">' in second
    # Nonsense paging falls back instead of failing.
    assert _list(client, xiaomi_call, "?page=abc&per=7").status_code == 200
    assert _listed(_list(client, xiaomi_call, "?page=99&per=25&sort=receipt").content.decode()) == [r.pk for r in rows[25:]]


def test_list_filters_with_the_query_language_and_the_selects(client: Client, officer: Any, xiaomi_call: Call) -> None:
    de = OrganisationFactory(country="DE")
    a = make_row(xiaomi_call, receipt="Q-1", direction="XM-T1")
    make_row(xiaomi_call, receipt="Q-2", direction="XM-T1", organisation=de)
    b = make_row(xiaomi_call, receipt="Q-3", direction="XM-T2", state="check_passed")
    client.force_login(officer)
    assert _listed(_list(client, xiaomi_call, "?q=direction:XM-T1 AND NOT country:DE").content.decode()) == [a.pk]
    assert _listed(_list(client, xiaomi_call, "?q=state:check_passed").content.decode()) == [b.pk]
    assert _listed(_list(client, xiaomi_call, "?state=all&direction=XM-T2").content.decode()) == [b.pk]
    assert _listed(_list(client, xiaomi_call, "?direction=XM-T2").content.decode()) == []  # the queue by default


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ('state:submitted AND direction:"2.1', "At character 31: the quote opened here is not closed.", 30),
        ("score>=", "At character 8: the query ends too early; expected a value after the field.", 7),
        ("colour:red", "At character 1: there is no field “colour”", 0),
        ("((((((((((((((((((((((a))))))))))))))))))))))", "too many nested brackets", 20),
    ],
)
def test_malformed_query_shows_where_and_why_without_failing(
    client: Client, officer: Any, xiaomi_call: Call, query: str, message: str, position: int
) -> None:
    make_row(xiaomi_call, receipt="M-1")
    client.force_login(officer)
    response = client.get(reverse("web:formal_check", args=[xiaomi_call.code]), {"q": query}, headers=EN)
    page = response.content.decode()
    assert response.status_code == 400
    assert f'role="alert" data-position="{position}">' in page
    assert message in page.replace("&quot;", '"')
    assert _listed(page) == []
    assert 'aria-invalid="true"' in page
    # Downloads of a malformed filter say why instead of failing.
    export = client.get(reverse("web:call_export", args=[xiaomi_call.code, "applications", "csv"]), {"q": query}, headers=EN)
    assert export.status_code == 400 and message in export.content.decode()


def test_saved_searches_are_per_user_audited_and_deletable(client: Client, officer: Any, xiaomi_call: Call) -> None:
    client.force_login(officer)
    url = reverse("web:saved_search_create", args=[xiaomi_call.code])
    response = client.post(url, {"name": "德国伙伴", "q": "country:DE AND state:submitted"})
    assert response.status_code == 302 and response["Location"].endswith("?q=country%3ADE+AND+state%3Asubmitted")
    search = SavedSearch.objects.get()
    assert (search.user_id, search.name, search.query) == (officer.pk, "德国伙伴", "country:DE AND state:submitted")
    entry = AuditEntry.objects.get(action="shenbao.saved_search.saved")
    assert (entry.actor_id, entry.data) == (officer.pk, {"name": "德国伙伴", "query": "country:DE AND state:submitted"})
    page = _list(client, xiaomi_call).content.decode()
    assert f'<li data-saved-search="{search.pk}"><a href="?q=country%3ADE%20AND%20state%3Asubmitted"' in page
    # A malformed query is not saved; the message says why.
    response = client.post(url, {"name": "坏的", "q": "state:"}, headers=EN, follow=True)
    assert "the query ends too early" in response.content.decode()
    assert SavedSearch.objects.count() == 1
    # Another user neither sees nor deletes it.
    other = UserFactory()
    grant_program_role(program=xiaomi_call.program, user=other, role=ProgramRoleKind.PROGRAM_OFFICER)
    client.force_login(other)
    assert "data-saved-search" not in _list(client, xiaomi_call).content.decode()
    assert client.post(reverse("web:saved_search_delete", args=[search.pk])).status_code == 404
    assert SavedSearch.objects.count() == 1
    client.force_login(officer)
    response = client.post(reverse("web:saved_search_delete", args=[search.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("web:staff_calls")
    assert SavedSearch.objects.count() == 0
    assert AuditEntry.objects.get(action="shenbao.saved_search.deleted").data == {
        "name": "德国伙伴",
        "query": "country:DE AND state:submitted",
    }


def test_exports_follow_the_filter_and_name_it(client: Client, officer: Any, xiaomi_call: Call) -> None:
    make_row(xiaomi_call, receipt="X-1", direction="XM-T1")
    make_row(xiaomi_call, receipt="X-2", direction="XM-T2")
    client.force_login(officer)
    base = reverse("web:call_export", args=[xiaomi_call.code, "applications", "xlsx"])
    response = client.get(base, {"q": "direction:XM-T2", "state": "all"})
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''open-000-applications-filtered-state_all_q_direction_XM_T2.xlsx"
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    data = workbook["applications"]
    assert [row[0].value for row in data.iter_rows(min_row=3)] == ["X-2"]
    assert [c.value for c in workbook["filter"]["A"]] == ["筛选条件 / Filter", "state=all; q=direction:XM-T2"]
    csv = client.get(reverse("web:call_export", args=[xiaomi_call.code, "applications", "csv"]), {"q": "receipt:X-1"})
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "筛选条件 / Filter: q=receipt:X-1"
    assert len(lines) == 3 and lines[2].startswith("X-1,")
    unfiltered = client.get(reverse("web:call_export", args=[xiaomi_call.code, "applications", "csv"]))
    assert unfiltered["Content-Disposition"].endswith("open-000-applications.csv")
    assert not unfiltered.content.decode("utf-8-sig").startswith("筛选条件")
    page = _list(client, xiaomi_call, "?q=direction:XM-T2").content.decode()
    assert '<span class="badge filter-note">filter: q=direction:XM-T2</span>' in page


def test_dashboard_counts_and_links_to_the_filtered_list(client: Client, officer: Any, xiaomi_call: Call) -> None:
    make_row(xiaomi_call, receipt="D-1", direction="XM-T1", check=("needs_review",))
    make_row(xiaomi_call, receipt="D-2", direction="XM-T1", state="endorsed")
    make_row(xiaomi_call, receipt="D-3", direction="XM-T2", state="check_passed")
    client.force_login(officer)
    page = client.get(reverse("web:call_dashboard", args=[xiaomi_call.code]), headers=EN).content.decode()
    check = "?q=state%3Asubmitted+OR+state%3Aendorsed&amp;state=all"
    assert (
        f'<li data-todo="check" class="todo-open"><a href="/staff/calls/open-000/formal-check/{check}"><span class="count">2</span>'
        in page
    )
    assert (
        '<li data-todo="judge" class="todo-open"><a href="/staff/calls/open-000/formal-check/?q=%28state%3Asubmitted+OR+state%3Aendorsed%29+AND+flag%3Areview&amp;state=all"><span class="count">1</span>'
        in page
    )
    assert (
        '<li data-todo="agreements" class="todo-done"><a href="/staff/calls/open-000/agreements/"><span class="count">0</span>'
        in page
    )
    assert re.search(
        r'<tr data-state="check_passed"><td><a href="[^"]*q=state%3Acheck_passed[^"]*">[^<]*</a></td><td class="num">1</td>', page
    )
    assert (
        '<tr data-direction="XM-T1"><td><a href="/staff/calls/open-000/formal-check/?q=direction%3AXM-T1&amp;state=all">' in page
    )
    assert 'data-status="open"' in page
    # The linked list holds exactly what the count says.
    listed = _list(client, xiaomi_call, "?q=state:submitted OR state:endorsed&state=all").content.decode()
    assert len(_listed(listed)) == 2


NEW_PAGES: dict[str, Callable[[Call], tuple[str, str]]] = {
    "list": lambda call: ("get", reverse("web:formal_check", args=[call.code])),
    "dashboard": lambda call: ("get", reverse("web:call_dashboard", args=[call.code])),
    "save_search": lambda call: ("post", reverse("web:saved_search_create", args=[call.code])),
    "endorsements": lambda call: ("get", reverse("web:endorsement_queue")),
    "endorse": lambda call: ("post", reverse("web:endorsement_decide")),
}
# Expected status per role and page: 200/302 allowed, 404 refused, login redirect for anonymous.
MATRIX = {
    "anonymous": {"list": "login", "dashboard": "login", "save_search": "login", "endorsements": "login", "endorse": "login"},
    "applicant": {"list": 404, "dashboard": 404, "save_search": 404, "endorsements": 404, "endorse": 404},
    "reviewer_not_assigned": {"list": 404, "dashboard": 404, "save_search": 404, "endorsements": 404, "endorse": 404},
    "reviewer_assigned": {"list": 404, "dashboard": 404, "save_search": 404, "endorsements": 404, "endorse": 404},
    "institution_officer": {"list": 404, "dashboard": 404, "save_search": 404, "endorsements": 200, "endorse": 302},
    "staff_of_another_program": {"list": 404, "dashboard": 404, "save_search": 404, "endorsements": 404, "endorse": 404},
    "staff": {"list": 200, "dashboard": 200, "save_search": 302, "endorsements": 404, "endorse": 404},
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix_of_the_new_pages(client: Client, officer: Any, xiaomi_call: Call, role: str) -> None:
    org = OrganisationFactory()
    application = make_row(xiaomi_call, receipt="PM-1", organisation=org, scores=(80,))
    users: dict[str, Any] = {"applicant": application.applicant, "staff": officer}
    users["reviewer_assigned"] = Assignment.objects.get(application=application).reviewer
    users["reviewer_not_assigned"] = UserFactory()
    users["institution_officer"] = UserFactory()
    add_membership(user=users["institution_officer"], organisation=org, role=MembershipRole.OFFICER)
    users["staff_of_another_program"] = UserFactory()
    grant_program_role(
        program=open_call("004", code="other-004").program,
        user=users["staff_of_another_program"],
        role=ProgramRoleKind.PROGRAM_OFFICER,
    )
    if role != "anonymous":
        client.force_login(users[role])
    before = (Application.objects.get(pk=application.pk).state, SavedSearch.objects.count(), AuditEntry.objects.count())
    for page, where in NEW_PAGES.items():
        method, url = where(xiaomi_call)
        data = {"name": "n", "q": "state:submitted", "application": [application.pk], "outcome": "endorse"}
        response = client.post(url, data) if method == "post" else client.get(url)
        expected = MATRIX[role][page]
        if expected == "login":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], page
        else:
            assert response.status_code == expected, page
    after = (Application.objects.get(pk=application.pk).state, SavedSearch.objects.count(), AuditEntry.objects.count())
    if role == "staff":
        assert after == (before[0], 1, before[2] + 1)  # the saved search, and its audit entry
    else:
        # The institution officer's endorse is refused (the call asks for no endorsement): nothing changes.
        assert after == before


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_list_and_dashboard_query_counts_do_not_grow_with_rows(client: Client, officer: Any, xiaomi_call: Call) -> None:
    org = OrganisationFactory()
    make_row(xiaomi_call, receipt="C-0", organisation=org, scores=(80,), partners=(("P", "DE"),), check=("warn",))
    urls = [
        reverse("web:formal_check", args=[xiaomi_call.code]) + "?state=all&q=score>=0 OR NOT flag:fail&sort=-score",
        reverse("web:call_dashboard", args=[xiaomi_call.code]),
    ]
    client.force_login(officer)
    one = [_count(client, url) for url in urls]
    for i in range(1, 5):
        make_row(xiaomi_call, receipt=f"C-{i}", organisation=org, scores=(70, 60), partners=(("Q", "FR"),), check=("fail",))
    assert [_count(client, url) for url in urls] == one
    assert len(_listed(client.get(urls[0]).content.decode())) == 5


def test_api_export_refuses_a_malformed_query_with_where_and_why(officer: Any, xiaomi_call: Call) -> None:
    from rest_framework.test import APIClient

    make_row(xiaomi_call, receipt="A-1", direction="XM-T1")
    make_row(xiaomi_call, receipt="A-2", direction="XM-T2")
    api = APIClient()
    api.force_authenticate(officer)
    url = f"/api/v1/calls/{xiaomi_call.code}/exports/applications.csv"
    refused = api.get(url, {"q": "score>>1"}, headers=EN)
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "invalid_query",
        "detail": "At character 7: expected a value after the field, found “>”.",
    }
    ok = api.get(url, {"q": "direction:XM-T2"})
    assert ok.status_code == 200
    assert [line.split(",")[0] for line in ok.content.decode("utf-8-sig").splitlines()[2:]] == ["A-2"]


def test_bulk_decision_on_every_application_the_filter_matches(client: Client, officer: Any, xiaomi_call: Call) -> None:
    inside = [make_row(xiaomi_call, receipt=f"B-{i:02}", direction="XM-T1") for i in range(27)]
    outside = make_row(xiaomi_call, receipt="B-99", direction="XM-T2")
    client.force_login(officer)
    page = _list(client, xiaomi_call, "?q=direction:XM-T1&per=25").content.decode()
    assert "Instead, decide all 27 applications this filter matches, on every page" in page
    url = reverse("web:formal_check_decide", args=[xiaomi_call.code])
    response = client.post(url, {"scope": "matching", "query": "q=direction%3AXM-T1&per=25", "outcome": "pass"}, headers=EN)
    assert response.status_code == 302
    assert set(Application.objects.filter(state="check_passed").values_list("pk", flat=True)) == {a.pk for a in inside}
    assert Application.objects.get(pk=outside.pk).state == "submitted"
    # A filter that no longer parses decides nothing.
    refused = client.post(url, {"scope": "matching", "query": "q=direction%3A", "outcome": "pass"}, headers=EN, follow=True)
    assert "the query ends too early" in refused.content.decode()
    assert Application.objects.get(pk=outside.pk).state == "submitted"


def test_staff_pages_use_the_vendored_design_and_public_pages_keep_theirs(
    client: Client, officer: Any, xiaomi_call: Call
) -> None:
    from pathlib import Path

    import shenbao.web

    static = Path(shenbao.web.__file__).parent / "static" / "web" / "vendor" / "pico"
    assert (static / "LICENSE.md").read_text(encoding="utf-8").startswith("MIT License")
    assert "Pico CSS ✨ v2.1.1" in (static / "pico.conditional.blue.min.css").read_text(encoding="utf-8")[:200]
    client.force_login(officer)
    staff = _list(client, xiaomi_call).content.decode()
    assert '<main id="main" class="pico staff-page">' in staff
    assert "/static/web/vendor/pico/pico.conditional.blue.min.css" in staff
    assert '<main id="main">' in client.get(reverse("web:call_list")).content.decode()


def test_export_filter_note_drops_control_characters(client: Client, officer: Any, xiaomi_call: Call) -> None:
    make_row(xiaomi_call, receipt="N-1")
    client.force_login(officer)
    url = reverse("web:call_export", args=[xiaomi_call.code, "applications", "xlsx"])
    response = client.get(url, {"state": "submitted\x00\x1f", "q": "N-1\x0b"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith("filtered-state_submitted_q_N_1.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["filter"]
    assert sheet["A2"].value == "state=submitted; q=N-1"
