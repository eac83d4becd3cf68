"""Public pages: call list and call page, both languages, permissions and query counts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from shenbao.calls.definition.load import parse_definition
from shenbao.calls.enums import Phase, ProgramRoleKind
from shenbao.calls.models import Call, ProgramRole
from shenbao.calls.queries.public import call_phase
from shenbao.calls.services.definitions import load_call_definition
from tests.conftest import seed_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def visible(html: str) -> str:
    """The page's text as a reader sees it: no tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", strip_tags(html))


def open_copy(seed: str, code: str, *, days_left: int = 10, status: str = "open", opens_in_days: int = -3) -> Call:
    data = seed_data(seed)
    data["call"]["code"] = code
    data["call"]["status"] = status
    today = dt.date.today()
    data["timeline"] = [
        {"kind": "opens", "at": f"{today + dt.timedelta(days=opens_in_days)}T09:00"},
        {"kind": "deadline", "at": f"{today + dt.timedelta(days=days_left)}T00:00"},
    ]
    return load_call_definition(definition=parse_definition(data)).call


def test_call_list_in_chinese_by_default(client: Client, seed_calls: dict[str, Call]) -> None:
    open_copy("004", "open-004")
    response = client.get(reverse("web:call_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<html[^>]* lang="zh-Hans">', html)
    assert "专项与征集" in html
    assert html.count('class="call-card"') == 5
    assert html.count("phase-open") == 1
    assert html.count("phase-closed") == 4
    assert "2025-03-31 24:00（北京时间）" in html
    assert html.count('class="countdown"') == 1


def test_call_list_in_english_by_accept_language(client: Client, seed_calls: dict[str, Call]) -> None:
    response = client.get(reverse("web:call_list"), headers={"accept-language": "en-US,en;q=0.9"})
    html = response.content.decode()
    assert re.search(r'<html[^>]* lang="en">', html)
    assert "Programs and calls" in html
    assert "2025-03-31 24:00 Beijing time" in html
    assert "Xiaomi" in html


def test_language_switch_sets_english(client: Client, seed_calls: dict[str, Call]) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "Programs and calls" in html


def test_seed_003_call_page_shows_directions_and_reconciliation(client: Client, seed_calls: dict[str, Call]) -> None:
    html = client.get(reverse("web:call_detail", args=["most-intl-2025-2"])).content.decode()
    assert html.count("data-direction=") == 19
    assert 'data-matches="true"' in html
    assert "指南方向：19 个，项目：176 个，经费：34,890 万元 — 与公布的总数一致" in visible(html)
    assert "1,080 万元" in html
    assert '<dt>拟支持项目数</dt><dd class="stated-projects">约 176</dd>' in html
    assert '<dt>总预算</dt><dd class="stated-budget">34,890 万元</dd>' in html
    assert "<dt>执行期限</dt><dd>一般为 2~3 年</dd>" in html
    assert "约 10" in html  # 2.3: 10个左右
    assert "不超过 30" in html  # 1.7
    assert "新西兰" in html  # partner country names in Chinese
    assert "形式审查" in html


def test_seed_003_call_page_in_english(client: Client, seed_calls: dict[str, Call]) -> None:
    html = client.get(reverse("web:call_detail", args=["most-intl-2025-2"]), headers={"accept-language": "en"}).content.decode()
    assert "Direction: 19, projects: 176, budget: CNY 348,900,000 — matches the stated totals" in visible(html)
    assert "New Zealand" in html
    assert "at most 30" in html
    assert "about 10" in html


def test_reconciliation_line_shows_the_difference(client: Client, db: Any) -> None:
    data = seed_data("003")
    data["directions"][0]["quota"]["value"] = 5  # 1.1: 6 → 5
    del data["directions"][1]["budget"]  # 1.2 without a budget
    load_call_definition(definition=parse_definition(data))
    html = client.get(reverse("web:call_detail", args=["most-intl-2025-2"]), headers={"accept-language": "en"}).content.decode()
    assert 'data-matches="false"' in html
    assert "differs from the stated totals:" in html
    assert "176 projects stated" in html
    assert "CNY 348,900,000 stated (no value for 1.2)" in html


def test_seed_000_call_page_states_the_rules(client: Client, seed_calls: dict[str, Call]) -> None:
    html = client.get(reverse("web:call_detail", args=["xiaomi-jbgs-2025"]), headers={"accept-language": "en"}).content.decode()
    assert "CNY 200,000" in html
    assert "within 30 working days" in html
    assert "The grantee cannot be changed" in html
    assert "2025-03-31 24:00 Beijing time" in html
    assert html.count('class="level-') == 7


def test_seed_004_call_page_groups_lists_by_category(client: Client, seed_calls: dict[str, Call]) -> None:
    html = client.get(reverse("web:call_detail", args=["thepaper-kcxf-2025"])).content.decode()
    assert html.count('<h3 class="category">') == 3
    assert html.count("data-direction=") == 8
    assert "超过 20 MB 的文件以分享链接形式提交。" in html


def test_phase_follows_the_timeline(db: Any) -> None:
    upcoming = open_copy("004", "soon", opens_in_days=5, days_left=20)
    running = open_copy("004", "running")
    assert call_phase(upcoming) == Phase.UPCOMING
    assert call_phase(running) == Phase.OPEN
    assert call_phase(running, now=running.deadline) == Phase.CLOSED
    running.status = "closed"
    assert call_phase(running, now=running.deadline - dt.timedelta(days=1)) == Phase.CLOSED


def test_unknown_call_is_404(client: Client, db: Any) -> None:
    assert client.get(reverse("web:call_detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 404), ("user", 404), ("officer_other_program", 404), ("officer", 200), ("admin", 200)],
)
def test_draft_call_is_visible_only_to_its_program_staff(client: Client, db: Any, who: str, status: int) -> None:
    draft = open_copy("004", "draft-004", status="draft")
    other = open_copy("000", "other-000")
    if who == "user":
        client.force_login(UserFactory())
    elif who == "officer":
        user = UserFactory()
        ProgramRole.objects.create(program=draft.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
        client.force_login(user)
    elif who == "officer_other_program":
        user = UserFactory()
        ProgramRole.objects.create(program=other.program, user=user, role=ProgramRoleKind.PROGRAM_OFFICER)
        client.force_login(user)
    elif who == "admin":
        client.force_login(UserFactory(is_superuser=True))
    list_html = client.get("/").content.decode()
    assert 'data-call="draft-004"' not in list_html  # drafts are never listed publicly
    assert client.get(reverse("web:call_detail", args=["draft-004"])).status_code == status
    draft.refresh_from_db()
    assert draft.status == "draft"


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_call_list_query_count_does_not_grow_with_calls(client: Client, load_seed: Callable[[str], Call]) -> None:
    load_seed("004")
    few = _queries(client, "/")
    for seed in ("000", "001", "003"):
        load_seed(seed)
    for i in range(5):
        open_copy("004", f"copy-{i}")
    assert _queries(client, "/") == few


def test_call_page_query_count_does_not_grow_with_directions(client: Client, load_seed: Callable[[str], Call]) -> None:
    load_seed("001")  # 6 directions, 2 stages
    small = _queries(client, reverse("web:call_detail", args=["smeie-2023"]))
    load_seed("003")  # 19 directions, 79 criteria, 2 stages
    assert _queries(client, reverse("web:call_detail", args=["most-intl-2025-2"])) == small


def test_call_page_details_read_correctly(client: Client, seed_calls: dict[str, Call]) -> None:
    """Formats, country groups, qualified budgets, inherited durations, placeholders and windows."""
    page = visible(
        client.get(reverse("web:call_detail", args=["most-intl-2025-2"]), headers={"accept-language": "en"}).content.decode()
    )
    assert "Deadline: to be set (placeholder: 2025-06-29 24:00 Beijing time)" in page
    assert "Formats: pdf; at most" in page
    assert "p, d, f" not in page
    assert "Partner countries: Arab states" in page
    assert "Partner countries: African states" in page
    assert "@arab_states" not in page
    assert "about CNY 30,000,000" in page  # 2.3: 3000万元人民币左右
    html = client.get(reverse("web:call_detail", args=["most-intl-2025-2"]), headers={"accept-language": "en"}).content.decode()
    row_1_1 = visible(html[html.index('id="direction-1.1"') : html.index('id="direction-1.2"')])
    assert "generally 2–3 years" in row_1_1  # the call-wide duration applies
    competition = visible(
        client.get(reverse("web:call_detail", args=["smeie-2023"]), headers={"accept-language": "en"}).content.decode()
    )
    assert "until 2023-11-30" in competition  # a window with only an end
    assert "2023-12 –" not in competition  # a one-month window reads as that month
    awards = visible(
        client.get(reverse("web:call_detail", args=["thepaper-kcxf-2025"]), headers={"accept-language": "en"}).content.decode()
    )
    assert "2025-11-20 – 2025-11-30" in awards  # a window starts at 00:00, not "24:00 of the day before"
    assert "2025-10-01" in awards and "2025-09-30 24:00" not in awards
