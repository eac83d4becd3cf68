"""Rules that generalise from the studied 10xx batch and the 8xx/9xx ones (issue 14, session 10).

Every snippet here is made up to show one general pattern; none is quoted from a document. Each
rule has a case with exact values and a case where it must not fire.
"""

from __future__ import annotations

from typing import Any

from shenbao.guides.parser.extract import extract_guide


def data(text: str) -> dict[str, Any]:
    return extract_guide(text).data


def total_budget(text: str) -> Any:
    return (data(text).get("stated_totals") or {}).get("budget")


# ------------------------------------------------------------ a scheme named by its money


def test_a_scheme_named_by_its_money_states_the_call_budget() -> None:
    text = "创新科技署推出3亿元的产学研合作支援计划，欢迎合资格机构申请。\n每宗获批申请可获不超过500万元资助。\n"
    assert total_budget(text) == {"amount_wan": 30000, "currency": "HKD"}


def test_money_granted_from_a_fund_with_a_currency_states_the_call_budget() -> None:
    text = "本基金获拨款港币三亿元，由2020年起开始运作。\n項目必須於18個月內完成。\n"
    assert total_budget(text) == {"amount_wan": 30000, "currency": "HKD"}


def test_money_set_apart_by_pochu_states_the_call_budget() -> None:
    text = "市财政从科技发展基金拨出2000万元设立本专项，支持企业开展技术攻关。\n"
    assert total_budget(text) == {"amount_wan": 2000}


def test_money_some_winners_received_under_a_scheme_is_no_call_budget() -> None:
    text = "近年我市共有3家企业揭榜成功，分别获得800、1000万元市智能制造专项支持。\n本次征集不设经费。\n"
    assert total_budget(text) is None


def test_a_cap_of_one_project_named_with_a_scheme_is_no_call_budget() -> None:
    text = "每个项目最高500万元的专项资助，详见附件。\n"
    assert total_budget(text) is None


def test_a_traditional_notice_naming_no_place_takes_the_currency_of_its_government_body() -> None:
    text = "創新科技署昨日宣布，4億元研發券計劃現正接受申請。本港中小企均可申請。\n"
    assert total_budget(text) == {"amount_wan": 40000, "currency": "HKD"}


def test_a_traditional_notice_naming_no_place_nor_body_keeps_no_currency() -> None:
    text = "本會宣布，4億元研發券計劃現正接受申請。\n"
    assert total_budget(text) == {"amount_wan": 40000}
