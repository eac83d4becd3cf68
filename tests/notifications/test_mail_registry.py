"""The registry of mail templates: every template is declared, renders in both languages with every
placeholder, uses exactly what it declares, and is sent by the service the registry names."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest
from django.template import engines

from shenbao.notifications.overrides import default_sources
from shenbao.notifications.registry import REGISTRY, SPECS, Kind, sample_context
from shenbao.notifications.rendering import absolute, render
from shenbao.notifications.sandbox import render_source, resolve, used_placeholders

LANGUAGES = ("zh-hans", "en")
SRC = Path(__file__).resolve().parents[2] / "src" / "shenbao"
TEMPLATES = SRC / "notifications" / "templates" / "notifications"


def _default_placeholders(key: str) -> set[str]:
    engine = engines["text"]
    used: set[str] = set()
    for part in ("subject", "body"):
        used |= used_placeholders(engine.get_template(f"notifications/{key}_{part}.txt"))
    return used


def _notify_keys(module_name: str) -> set[str]:
    """The literal ``template=`` keys of the notify calls in a module (and of its helpers' calls)."""
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "template" and isinstance(keyword.value, ast.Constant):
                    keys.add(keyword.value.value)
    return keys


def test_every_shipped_template_file_is_declared_and_every_declared_key_has_its_files() -> None:
    files = {re.sub(r"_(subject|body)\.txt$", "", p.name) for p in TEMPLATES.glob("*.txt")}
    assert sorted(files) == sorted(REGISTRY)
    for key in REGISTRY:
        assert (TEMPLATES / f"{key}_subject.txt").exists() and (TEMPLATES / f"{key}_body.txt").exists()


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_a_default_uses_exactly_the_placeholders_it_declares(key: str) -> None:
    declared = set(REGISTRY[key].placeholders)
    used = _default_placeholders(key)
    assert sorted(used - declared) == [], "used but not declared"
    assert sorted(declared - used) == [], "declared but never used"


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_every_placeholder_is_described_in_both_languages(key: str) -> None:
    from django.utils import translation

    for name, placeholder in REGISTRY[key].placeholders.items():
        with translation.override("en"):
            english = str(placeholder.description)
        with translation.override("zh-hans"):
            chinese = str(placeholder.description)
        assert english and chinese and english != chinese, name
        if placeholder.kind == Kind.CHOICE:
            assert placeholder.choices, name


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_every_template_renders_in_both_languages_with_every_placeholder(key: str, language: str, settings: object) -> None:
    """The default, and the same text as staff would start editing it, give the same mail."""
    context = sample_context(key)
    assert set(context) == set(REGISTRY[key].placeholders)
    # Links reach the templates absolute (notify and the services make them so).
    context = {
        name: absolute(str(value)) if REGISTRY[key].placeholders[name].kind == Kind.LINK else value
        for name, value in context.items()
    }
    subject, body = render(key, language, context)
    assert subject and body.strip()
    assert "{{" not in subject + body and "{%" not in subject + body
    # The editor's starting text renders to the very same mail in the sandbox.
    start_subject, start_body = default_sources(key, language)
    data = resolve(key, context, language)
    assert " ".join(render_source(start_subject, data, language).split()) == subject
    assert render_source(start_body, data, language).strip() + "\n" == body
    if language == "zh-hans":
        assert re.search(r"[\u4e00-\u9fff]", subject + body), "the Chinese mail is in Chinese"


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_every_template_is_sent_by_the_service_the_registry_names(key: str) -> None:
    spec = REGISTRY[key]
    keys = _notify_keys(spec.sender)
    if key in ("agreement_overdue", "agreement_declined"):  # through notify_staff(…, template=…)
        assert key in keys or key in _notify_keys("shenbao.agreements.services.reserves")
    else:
        assert key in keys, f"{spec.sender} sends no {key!r} mail"


def test_every_notify_call_in_the_source_uses_a_declared_template() -> None:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "notify",
                "notify_staff",
                "tell_applicant_of_decision",  # applications/services/telling.py
            ):
                for keyword in node.keywords:
                    if keyword.arg == "template" and isinstance(keyword.value, ast.Constant):
                        found.add(keyword.value.value)
    assert found and sorted(found - set(REGISTRY)) == []
    assert sorted(set(REGISTRY) - found) == []  # no declared mail that nothing sends


def test_the_registry_keys_are_unique_and_scoped() -> None:
    assert len({s.key for s in SPECS}) == len(SPECS)
    assert {s.scope for s in SPECS} <= {"call", "program", "platform"}
