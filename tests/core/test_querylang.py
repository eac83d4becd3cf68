"""The staff search language: what it reads, and where and why it refuses what it cannot."""

from __future__ import annotations

import pytest

from shenbao.core.querylang import MAX_DEPTH, And, Not, Or, QuerySyntaxError, Term, parse, quote, terms


def test_parse_field_terms_with_implicit_and() -> None:
    assert parse('state:submitted direction:"2.1"') == And(
        (Term("state", ":", "submitted", 0, 6), Term("direction", ":", "2.1", 16, 26, quoted=True))
    )


def test_parse_precedence_not_binds_tighter_than_and_tighter_than_or() -> None:
    tree = parse("a OR b AND NOT c")
    assert tree == Or((Term(None, ":", "a", 0, 0), And((Term(None, ":", "b", 5, 5), Not(Term(None, ":", "c", 15, 15), 11)))))


def test_parse_brackets_override_precedence_and_keywords_are_case_insensitive() -> None:
    tree = parse("(a or b) and not country:DE")
    assert tree == And(
        (
            Or((Term(None, ":", "a", 1, 1), Term(None, ":", "b", 6, 6))),
            Not(Term("country", ":", "DE", 17, 25), 13),
        )
    )


@pytest.mark.parametrize(
    ("text", "op", "value"),
    [
        ("score>=80", ">=", "80"),
        ("score<=80", "<=", "80"),
        ("score>80", ">", "80"),
        ("score<80", "<", "80"),
        ("score:>=80", ">=", "80"),
        ("score=80", "=", "80"),
        ("score:70..90", ":", "70..90"),
    ],
)
def test_parse_comparisons(text: str, op: str, value: str) -> None:
    tree = parse(text)
    assert isinstance(tree, Term)
    assert (tree.field, tree.op, tree.value) == ("score", op, value)


def test_parse_full_width_punctuation_from_a_chinese_input_method() -> None:
    assert parse("（状态：submitted）") == Term("状态", ":", "submitted", 1, 4)


def test_parse_field_names_are_lower_cased_values_are_kept() -> None:
    assert parse("State:Submitted") == Term("state", ":", "Submitted", 0, 6)


def test_parse_empty_query_is_no_filter() -> None:
    assert parse("") is None
    assert parse("   ") is None


def test_parse_quoted_phrase_keeps_spaces_and_keywords() -> None:
    assert parse('"deep AND learning"') == Term(None, ":", "deep AND learning", 0, 0, quoted=True)


@pytest.mark.parametrize(
    ("text", "code", "position", "found", "expected"),
    [
        ('title:"abc', "unclosed_quote", 6, '"abc', ('"',)),
        ("state:", "unexpected", 6, "", ("value",)),
        ("(a OR b", "unexpected", 7, "", ("close_bracket",)),
        ("a OR b)", "unexpected", 6, ")", ("operator_or_end",)),
        ("a AND", "unexpected", 5, "", ("term",)),
        ("OR a", "unexpected", 0, "OR", ("term",)),
        (">=80", "unexpected", 0, ">=", ("term",)),
        ("NOT", "unexpected", 3, "", ("term",)),
        ("a:b:c", "unexpected", 3, ":", ("operator_or_end",)),
        ("state:(x)", "unexpected", 6, "(", ("value",)),
        ("()", "unexpected", 1, ")", ("term",)),
    ],
)
def test_parse_errors_name_position_found_and_expected(
    text: str, code: str, position: int, found: str, expected: tuple[str, ...]
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    assert (caught.value.code, caught.value.position, caught.value.found, caught.value.expected) == (
        code,
        position,
        found,
        expected,
    )


def test_parse_refuses_deep_nesting_long_queries_and_too_many_terms() -> None:
    with pytest.raises(QuerySyntaxError) as deep:
        parse("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert deep.value.code == "too_deep"
    assert deep.value.position == MAX_DEPTH
    with pytest.raises(QuerySyntaxError) as long:
        parse("a" * 501)
    assert long.value.code == "too_long"
    with pytest.raises(QuerySyntaxError) as many:
        parse(" ".join(["x"] * 41))
    assert (many.value.code, many.value.position) == ("too_many_terms", 80)
    with pytest.raises(QuerySyntaxError) as nots:
        parse("NOT " * 30 + "a")
    assert nots.value.code == "too_deep"


def test_terms_lists_every_term_in_order() -> None:
    assert [t.value for t in terms(parse("a (b OR NOT c) d:e"))] == ["a", "b", "c", "e"]
    assert terms(None) == []


@pytest.mark.parametrize(("value", "written"), [("2.1", "2.1"), ("a b", '"a b"'), ("or", '"or"'), ("x:y", '"x:y"'), ("", '""')])
def test_quote_writes_values_the_parser_reads_back(value: str, written: str) -> None:
    assert quote(value) == written
    if value:
        tree = parse(f"f:{quote(value)}")
        assert isinstance(tree, Term) and tree.value == value
