"""The staff search language on real rows: each field, the boolean operators, and the error messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from shenbao.applications.enums import FormalCheckOutcome
from shenbao.applications.models import Application, FormalCheckDecision, ObligationBreach
from shenbao.calls.models import Call
from shenbao.reviews.queries.application_search import QueryError, parse_query, search_applications, staff_application_list
from tests.factories import OrganisationFactory, UserFactory
from tests.reviews.search_fixtures import make_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(xiaomi_call: Call) -> dict[str, Application]:
    de = OrganisationFactory(name={"zh-hans": "柏林工业大学", "en": "TU Berlin"}, country="DE")
    cn = OrganisationFactory(name={"zh-hans": "测试大学", "en": "Test University"}, country="CN")
    made = {
        "a": make_row(
            xiaomi_call,
            receipt="XM-2026-001",
            title="端侧大模型推理",
            direction="XM-T1",
            organisation=cn,
            applicant_name="王伟",
            scores=(90, 80),
            requested=500_000,
            check=("pass", "warn"),
        ),
        "b": make_row(
            xiaomi_call,
            receipt="XM-2026-002",
            title="Robot grasping",
            direction="XM-T2",
            organisation=de,
            applicant_name="李娜",
            scores=(60,),
            draft_scores=(100,),
            requested=1_200_000,
            check=("fail",),
            submitted=dt.date(2026, 3, 5),
        ),
        "c": make_row(
            xiaomi_call,
            receipt="XM-2026-003",
            title="传感器网络",
            direction="XM-T1",
            organisation=cn,
            state="endorsed",
            partners=(("Universität Hamburg", "DE"),),
            check=("needs_review",),
            foreign_entry=True,
        ),
        "d": make_row(xiaomi_call, receipt="XM-2026-004", title="材料", direction="XM-T2", organisation=cn, state="check_passed"),
    }
    return made


def _found(call: Call, text: str) -> set[str]:
    rows = search_applications(Application.objects.filter(call=call), text)
    return {a.receipt_number for a in rows if a.receipt_number}


def _receipts(rows: dict[str, Application], *keys: str) -> set[str]:
    return {rows[k].receipt_number or "" for k in keys}


CASES = [
    ("", "abcd"),
    ("state:submitted", "ab"),
    ("状态:endorsed", "c"),
    ("state:Submitted OR state:endorsed", "abc"),
    ('state:submitted AND direction:"XM-T1"', "a"),
    ("direction:XM-T*", "abcd"),
    ("NOT country:DE", "ad"),  # c has a German partner, b a German lead organisation
    ("country:de", "bc"),
    ("state:submitted AND NOT country:DE", "a"),
    ("score>=80", "a"),  # a: mean 85; b: 60 (its draft review does not count)
    ("score<85", "b"),
    ("score:60..85", "ab"),
    ("score:85", "a"),
    ("NOT score>=0", "cd"),  # no submitted review yet
    ("requested>=100万", "b"),
    ("requested<=50万", "a"),
    ("submitted>2026-03-01", "b"),
    ("submitted:2026-03-01..2026-03-04", "acd"),
    ("flag:fail", "b"),
    ("flag:warn", "a"),
    ("flag:review", "c"),
    ("flag:foreign", "c"),
    ("NOT flag:fail AND NOT flag:warn", "cd"),
    ("applicant:王", "a"),
    ("王伟", "a"),
    ("institution:柏林", "b"),
    ("institution:hamburg", "c"),
    ('org:"test university"', "acd"),
    ("title:robot", "b"),
    ("receipt:003", "c"),
    ("receipt=xm-2026-003", "c"),
    ("receipt=003", ""),
    ("(direction:XM-T1 OR direction:XM-T2) AND NOT (state:submitted OR state:endorsed)", "d"),
    ("大模型 OR 传感器", "ac"),
]


def test_search_matches_exactly(rows: dict[str, Application], xiaomi_call: Call) -> None:
    # One set of rows for every case (loading the call is the slow part); each case is named on failure.
    wrong = {
        query: sorted(_found(xiaomi_call, query))
        for query, expected in CASES
        if _found(xiaomi_call, query) != _receipts(rows, *expected)
    }
    assert wrong == {}


def test_search_flags_breach_and_returned(rows: dict[str, Application], xiaomi_call: Call) -> None:
    officer = UserFactory()
    ObligationBreach.objects.create(application=rows["d"], obligation="x", reason="y", recorded_by=officer)
    FormalCheckDecision.objects.create(
        application=rows["a"], outcome=FormalCheckOutcome.RETURN, reason="z", decided_by=officer, revision=1
    )
    assert _found(xiaomi_call, "flag:breach") == _receipts(rows, "d")
    assert _found(xiaomi_call, "flag:returned") == _receipts(rows, "a")


@pytest.mark.parametrize(
    ("query", "message", "position"),
    [
        ("colour:red", "At character 1: there is no field “colour”; use one of: receipt, title, applicant,", 0),
        ("state:open", "At character 7: “open” is not a state; use one of: draft, submitted, endorsed,", 6),
        ("score>=high", "At character 8: “high” is not a number.", 7),
        ("submitted>=March", "At character 12: “March” is not a date (YYYY-MM-DD).", 11),
        ("title>=x", "At character 1: “title” cannot be compared with “>=”; write title:value.", 0),
        ("country:Germany", "At character 9: “Germany” is not a two-letter country code (such as CN or DE).", 8),
        ("flag:odd", "At character 6: “odd” is not a flag; use one of: fail, warn, review,", 5),
        ('title:"abc', "At character 7: the quote opened here is not closed.", 6),
        ("state:submitted AND", "At character 20: the query ends too early; expected a search term, “(” or NOT.", 19),
        ("(a OR b", "At character 8: the query ends too early; expected a closing bracket “)”.", 7),
        ("a) b", "At character 2: expected AND, OR or the end of the query, found “)”.", 1),
        ("state:", "At character 7: the query ends too early; expected a value after the field.", 6),
    ],
)
def test_errors_say_where_and_what_was_expected(query: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    with translation.override("en"):
        assert str(caught.value).startswith(message)
    assert caught.value.position == position


def test_errors_are_translated() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("state:open")
    with translation.override("zh-hans"):
        assert str(caught.value).startswith("第 7 个字符处：“open”不是申请状态；可用：draft, submitted")


def test_staff_list_defaults_to_the_queue_unless_the_query_names_a_state(rows: dict[str, Application], xiaomi_call: Call) -> None:
    def receipts(**kwargs: str) -> list[str]:
        return [a.receipt_number or "" for a in staff_application_list(call=xiaomi_call, **kwargs)]

    assert set(receipts()) == _receipts(rows, "a", "b", "c")
    assert set(receipts(query="state:check_passed")) == _receipts(rows, "d")
    assert set(receipts(state="all")) == _receipts(rows, "a", "b", "c", "d")
    assert receipts(state="all", sort="-score") == ["XM-2026-001", "XM-2026-002", "XM-2026-003", "XM-2026-004"]
    assert receipts(state="all", sort="score")[:2] == ["XM-2026-002", "XM-2026-001"]  # unscored last either way
    assert receipts(state="all", sort="-receipt") == ["XM-2026-004", "XM-2026-003", "XM-2026-002", "XM-2026-001"]
    assert receipts(state="all", sort="nonsense") == receipts(state="all", sort="direction")
