"""The restricted template language of staff-written mail templates, and what a template uses.

Staff overrides are rendered by their own Django template engine whose only tags are ``if``,
``for``, ``with``, ``firstof`` and ``comment`` and whose filters are a short list of text filters:
no ``load``, ``include``, ``extends`` or ``url``, no template loader at all.  The context holds only
the declared placeholders, already shown in the recipient's language as plain strings, numbers,
yes/no values and lists of strings (``resolve``), and a placeholder is used whole (``{{ call_title }}``,
never ``{{ call_title.upper }}``), so a template reaches no object beyond the declared values.

``used_placeholders`` walks a compiled template (a shipped default or an override) for the names it
reads; ``starter_source`` turns a shipped default (gettext ``trans``/``blocktrans``) into the same
text in the override language for one language, which is what the editor starts from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import template
from django.template import Context, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import FilterExpression, TextNode, TokenType, Variable, VariableNode
from django.template.defaulttags import (
    CommentNode,
    FirstOfNode,
    ForNode,
    IfNode,
    LoadNode,
    TemplateLiteral,
    WithNode,
)
from django.template.engine import Engine
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation
from django.utils.translation import gettext as _

from shenbao.core import present
from shenbao.core.text import text_get
from shenbao.notifications.registry import Kind, placeholders_of
from shenbao.notifications.rendering import absolute, site_url

register = template.Library()

ALLOWED_TAGS = ("if", "elif", "else", "endif", "for", "empty", "endfor", "with", "endwith", "firstof", "comment", "endcomment")
ALLOWED_FILTERS = (
    "default",
    "upper",
    "lower",
    "capfirst",
    "title",
    "length",
    "join",
    "first",
    "last",
    "pluralize",
    "yesno",
    "truncatechars",
    "truncatewords",
    "wordwrap",
    "linenumbers",
    "add",
)
for _tag_name in ("if", "for", "with", "firstof", "comment"):
    register.tag(_tag_name, getattr(defaulttags, {"if": "do_if", "for": "do_for", "with": "do_with"}.get(_tag_name, _tag_name)))
for _name in ALLOWED_FILTERS:
    register.filter(_name, getattr(defaultfilters, _name))


class SandboxEngine(Engine):
    """An engine with only the tags and filters above (Django's own builtins are not loaded)."""

    default_builtins = ["shenbao.notifications.sandbox"]


_ENGINE: SandboxEngine | None = None


def engine() -> SandboxEngine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = SandboxEngine(loaders=[], libraries={}, autoescape=False, string_if_invalid="")
    return _ENGINE


# --- what a template reads -------------------------------------------------------------------------


@dataclass
class Reads:
    paths: set[str]  # every variable read, dotted as written (``milestone.kind``)
    defined: set[str]  # names the template defines itself (loop variables, ``as`` names)
    scoped: set[str]  # ``with`` names (of ``with`` and ``blocktrans``), read inside their block
    outer: set[str]  # what the ``with`` values read, outside their own block

    @property
    def names(self) -> set[str]:
        inner = {p.split(".")[0] for p in self.paths} - self.scoped
        return (inner | {p.split(".")[0] for p in self.outer}) - self.defined - {"forloop"}


def _expression(fe: Any, reads: Reads, into: set[str] | None = None) -> None:
    if not isinstance(fe, FilterExpression):
        return
    found = reads.paths if into is None else into
    if isinstance(fe.var, Variable) and fe.var.lookups:
        found.add(".".join(fe.var.lookups))
    for _func, args in fe.filters:
        for lookup, arg in args:
            if lookup and isinstance(arg, Variable) and arg.lookups:
                found.add(".".join(arg.lookups))


def _condition(cond: Any, reads: Reads) -> None:
    if isinstance(cond, TemplateLiteral):
        _expression(cond.value, reads)
        return
    for side in ("first", "second"):
        sub = getattr(cond, side, None)
        if sub is not None:
            _condition(sub, reads)


def _walk(nodes: Any, reads: Reads) -> None:
    for node in nodes:
        if isinstance(node, VariableNode):
            _expression(node.filter_expression, reads)
        elif isinstance(node, IfNode):
            for cond, branch in node.conditions_nodelists:
                if cond is not None:
                    _condition(cond, reads)
                _walk(branch, reads)
        elif isinstance(node, ForNode):
            _expression(node.sequence, reads)
            reads.defined |= set(node.loopvars)
            _walk(node.nodelist_loop, reads)
            _walk(node.nodelist_empty, reads)
        elif isinstance(node, WithNode):
            for value in node.extra_context.values():
                _expression(value, reads, reads.outer)
            reads.scoped |= set(node.extra_context)
            _walk(node.nodelist, reads)
        elif isinstance(node, FirstOfNode):
            for value in node.vars:
                _expression(value, reads)
            if node.asvar:
                reads.defined.add(node.asvar)
        elif isinstance(node, BlockTranslateNode):
            for value in node.extra_context.values():
                _expression(value, reads, reads.outer)
            reads.scoped |= set(node.extra_context)
            for token in [*node.singular, *(node.plural or [])]:
                if token.token_type == TokenType.VAR:
                    reads.paths.add(token.contents)
            if node.asvar:
                reads.defined.add(node.asvar)
        elif isinstance(node, TranslateNode):
            _expression(node.filter_expression, reads)
            if node.asvar:
                reads.defined.add(node.asvar)
        else:
            for attr in getattr(node, "child_nodelists", ()):
                _walk(getattr(node, attr, None) or [], reads)


def reads_of(compiled: Any) -> Reads:
    """What a compiled template (``Template`` of any engine, or its backend wrapper) reads."""
    nodelist = getattr(compiled, "template", compiled).nodelist
    reads = Reads(set(), set(), set(), set())
    _walk(nodelist, reads)
    return reads


def used_placeholders(compiled: Any) -> set[str]:
    return reads_of(compiled).names


def var(name: str) -> str:
    """``{{ name }}``, as a placeholder is written."""
    return "{{ " + name + " }}"


# --- checking an override ------------------------------------------------------------------------

_BLOCK = re.compile(r"{%-?\s*(\w+)")


def check_source(key: str, source: str) -> list[str]:
    """The translated errors of one staff-written subject or body of ``key`` (none: it is valid)."""
    for tag in _BLOCK.findall(source):
        if tag not in ALLOWED_TAGS:
            return [
                _("The tag “%(tag)s” is not allowed in a mail template; use only if, for, with, firstof and comment.")
                % {"tag": tag}
            ]
    try:
        compiled = engine().from_string(source)
    except TemplateSyntaxError as exc:
        return [_("The template cannot be read: %(error)s") % {"error": exc}]
    reads = reads_of(compiled)
    declared = placeholders_of(key)
    errors = []
    unknown = sorted(reads.names - set(declared))
    if unknown:
        errors.append(
            _("Unknown placeholder(s): %(unknown)s. This mail knows: %(known)s.")
            % {
                "unknown": ", ".join(var(name) for name in unknown),
                "known": ", ".join(sorted(declared)),
            }
        )
    dotted = sorted(
        p
        for p in reads.paths | reads.outer
        if "." in p and p.split(".")[0] not in reads.defined | reads.scoped | {"forloop"} | set(unknown)
    )
    if dotted:
        errors.append(
            _("A placeholder is used whole: write {{ %(name)s }}, not {{ %(path)s }}.")
            % {"name": dotted[0].split(".")[0], "path": dotted[0]}
        )
    return errors


# --- rendering an override -----------------------------------------------------------------------


def _show(kind: Kind, value: Any, language: str) -> Any:
    if kind == Kind.FLAG:
        return bool(value)
    if kind == Kind.NUMBER:
        return value if isinstance(value, (int, float)) else (value or "")
    if kind == Kind.LIST:
        return [str(v) for v in value or []]
    if kind == Kind.TRANSLATED_LIST:
        return [text_get(v, language) if isinstance(v, dict) else str(v) for v in value or []]
    if value is None or value == "":
        return ""
    if kind == Kind.TRANSLATED:
        return text_get(value, language) if isinstance(value, dict) else str(value)
    if kind == Kind.MOMENT:
        import datetime as dt

        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        return present.beijing(moment)
    if kind == Kind.DATE:
        return str(value)[:10]
    if kind == Kind.MONEY:
        return present.money(value)
    if kind == Kind.LINK:
        return absolute(str(value))
    return str(value)


def resolve(key: str, context: dict[str, Any], language: str) -> dict[str, Any]:
    """The declared placeholders of ``key`` as plain values shown in ``language`` (what an override sees)."""
    with translation.override(language):
        shown = {name: _show(p.kind, context.get(name), language) for name, p in placeholders_of(key).items()}
    shown["site_url"] = site_url()
    return shown


def render_source(source: str, data: dict[str, Any], language: str) -> str:
    with translation.override(language):
        return engine().from_string(source).render(Context(data, autoescape=False))


# --- the editor's starting text: a shipped default in the override language -----------------------

_DROPPED_FILTERS = ("tr", "beijing", "money")


class NotConvertible(Exception):
    pass


def _tag(text: str) -> str:
    return "{% " + text + " %}"


def _plain(token: str) -> str:
    """``call_title|tr`` → ``call_title``: the values an override sees are shown already."""
    parts = token.split("|")
    return "|".join([parts[0], *[f for f in parts[1:] if f.split(":")[0] not in _DROPPED_FILTERS]])


def _condition_text(cond: Any) -> str:
    if isinstance(cond, TemplateLiteral):
        return _plain(cond.text)
    if cond.second is None:
        return f"{cond.id} {_condition_text(cond.first)}"
    return f"{_condition_text(cond.first)} {cond.id} {_condition_text(cond.second)}"


def _convert(nodes: Any) -> str:
    out = []
    for node in nodes:
        if isinstance(node, TextNode):
            out.append(node.s)
        elif isinstance(node, (LoadNode, CommentNode)):
            continue
        elif isinstance(node, VariableNode):
            out.append(var(_plain(node.filter_expression.token)))
        elif isinstance(node, TranslateNode):
            if node.asvar:
                raise NotConvertible("trans … as")
            out.append(node.render(Context()))
        elif isinstance(node, BlockTranslateNode):
            if node.plural or node.asvar or node.message_context:
                raise NotConvertible("blocktrans with plural, as or context")
            msgid, names = node.render_token_list(node.singular)
            text = translation.gettext(msgid)
            extra: dict[str, Any] = node.extra_context
            targets = {name: _plain(extra[name].token) if name in extra else name for name in names}
            text = re.sub(r"%\((\w+)\)s", lambda m, t=targets: var(t.get(m.group(1), m.group(1))), text)  # type: ignore[misc]
            out.append(text.replace("%%", "%"))
        elif isinstance(node, IfNode):
            for index, (cond, branch) in enumerate(node.conditions_nodelists):
                tag = "if" if index == 0 else ("elif" if cond is not None else "else")
                out.append(_tag(f"{tag} {_condition_text(cond)}") if cond is not None else "{% else %}")
                out.append(_convert(branch))
            out.append("{% endif %}")
        elif isinstance(node, ForNode):
            reverse = " reversed" if node.is_reversed else ""
            sequence: Any = node.sequence
            out.append(_tag(f"for {', '.join(node.loopvars)} in {_plain(sequence.token)}{reverse}"))
            out.append(_convert(node.nodelist_loop))
            if len(node.nodelist_empty):
                out.append("{% empty %}" + _convert(node.nodelist_empty))
            out.append("{% endfor %}")
        else:
            raise NotConvertible(type(node).__name__)
    return "".join(out)


def starter_source(compiled: Any, language: str) -> str:
    """A shipped default (compiled by the ``text`` engine) as override text in ``language``."""
    nodelist = getattr(compiled, "template", compiled).nodelist
    with translation.override(language):
        return _convert(nodelist)
