"""A small search language for staff lists: terms, ``field:value``, comparisons, AND/OR/NOT, brackets.

Pure (no Django): the text becomes a tree of plain data, or a ``QuerySyntaxError`` that names the
position and what was expected there.  What the fields mean, and how the tree becomes a database
filter, is the business of the list that uses it (``reviews.queries.application_search``).

Grammar (keywords are case-insensitive; two terms side by side mean AND)::

    query    := or_expr END
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := not_expr (["AND"] not_expr)*
    not_expr := "NOT" not_expr | atom
    atom     := "(" or_expr ")" | term
    term     := NAME (":" | "=" | ">" | ">=" | "<" | "<=") value | value
    value    := WORD | "quoted text"

Full-width brackets, colon and quotes (（）：“”) are read as their ASCII forms, so a query typed
with a Chinese input method works unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: Longest query read; longer ones are refused (a search box, not a script).
MAX_LENGTH = 500
#: Deepest nesting of brackets and NOTs; deeper is refused before Python's recursion limit.
MAX_DEPTH = 20
#: Most terms in one query.
MAX_TERMS = 40

Operator = Literal[":", "=", ">", ">=", "<", "<="]
OPERATORS: tuple[str, ...] = (">=", "<=", ":", "=", ">", "<")
KEYWORDS = frozenset({"AND", "OR", "NOT"})
_FULL_WIDTH = str.maketrans(
    {"（": "(", "）": ")", "：": ":", "“": '"', "”": '"', "＂": '"', "＞": ">", "＜": "<", "＝": "=", "\u3000": " "}
)
_SPECIAL = set('()":=<>')


@dataclass(frozen=True)
class Term:
    """``field op value``; ``field`` is None for a bare word or phrase (free text)."""

    field: str | None
    op: str
    value: str
    position: int  # where the term starts (0-based, in characters)
    value_position: int  # where its value starts
    quoted: bool = False


@dataclass(frozen=True)
class Not:
    item: Node
    position: int


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass(frozen=True)
class Token:
    kind: str  # WORD, STRING, LPAREN, RPAREN, OP, AND, OR, NOT, END
    text: str
    position: int


#: What a parser may say it expected (the interface translates each into the reader's language).
Expected = Literal["term", "value", "close_bracket", "operator_or_end", "end"]


@dataclass
class QuerySyntaxError(Exception):
    """A malformed query: ``code`` says what went wrong at ``position`` (0-based), ``found`` is the
    text found there ('' at the end), ``expected`` what would have been right."""

    code: str  # unclosed_quote, unexpected, too_long, too_deep, too_many_terms
    position: int
    found: str = ""
    expected: tuple[str, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        return f"{self.code} at {self.position} (found {self.found!r}, expected {', '.join(self.expected) or '-'})"


def tokenize(text: str) -> list[Token]:
    text = text.translate(_FULL_WIDTH)
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(Token("LPAREN", ch, i))
            i += 1
        elif ch == ")":
            tokens.append(Token("RPAREN", ch, i))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError("unclosed_quote", i, text[i:], ('"',))
            tokens.append(Token("STRING", text[i + 1 : end], i))
            i = end + 1
        elif ch in ":=<>":
            op = next(o for o in OPERATORS if text.startswith(o, i))
            tokens.append(Token("OP", op, i))
            i += len(op)
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _SPECIAL:
                i += 1
            word = text[start:i]
            upper = word.upper()
            tokens.append(Token(upper if upper in KEYWORDS else "WORD", word, start))
    tokens.append(Token("END", "", n))
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0
        self.terms = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.at]

    def advance(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def fail(self, *expected: str) -> QuerySyntaxError:
        token = self.current
        return QuerySyntaxError("unexpected", token.position, token.text, expected)

    def enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError("too_deep", token.position, token.text)

    def query(self) -> Node:
        node = self.or_expr()
        if self.current.kind != "END":
            # A stray ")" or an operator without a field: nothing else can follow a complete query.
            raise self.fail("operator_or_end")
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.current.kind == "OR":
            self.advance()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.not_expr()]
        while self.current.kind in ("AND", "NOT", "LPAREN", "WORD", "STRING"):
            if self.current.kind == "AND":
                self.advance()
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self) -> Node:
        if self.current.kind == "NOT":
            token = self.advance()
            self.enter(token)
            item = self.not_expr()
            self.depth -= 1
            return Not(item, token.position)
        return self.atom()

    def atom(self) -> Node:
        token = self.current
        if token.kind == "LPAREN":
            self.advance()
            self.enter(token)
            node = self.or_expr()
            self.depth -= 1
            if self.current.kind != "RPAREN":
                raise self.fail("close_bracket")
            self.advance()
            return node
        if token.kind not in ("WORD", "STRING"):
            raise self.fail("term")
        self.advance()
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QuerySyntaxError("too_many_terms", token.position, token.text)
        if token.kind == "WORD" and self.current.kind == "OP":
            op = self.advance()
            # ``score:>=80`` reads as ``score>=80``.
            if op.text == ":" and self.current.kind == "OP" and self.current.text != ":":
                op = self.advance()
            value = self.current
            if value.kind not in ("WORD", "STRING"):
                raise self.fail("value")
            self.advance()
            return Term(token.text.lower(), op.text, value.text, token.position, value.position, value.kind == "STRING")
        return Term(None, ":", token.text, token.position, token.position, token.kind == "STRING")


def parse(text: str) -> Node | None:
    """The query as a tree; None for an empty query (no filter)."""
    if len(text) > MAX_LENGTH:
        raise QuerySyntaxError("too_long", MAX_LENGTH, "")
    tokens = tokenize(text)
    if tokens[0].kind == "END":
        return None
    return _Parser(tokens).query()


def terms(node: Node | None) -> list[Term]:
    """Every term of the tree, in the order written."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms(node.item)
    return [t for item in node.items for t in terms(item)]


def quote(value: str) -> str:
    """``value`` as the query language writes it: bare if it is one plain word, else in quotes."""
    if value and not any(c.isspace() or c in _SPECIAL for c in value) and value.upper() not in KEYWORDS:
        return value
    return '"' + value.replace('"', "") + '"'
