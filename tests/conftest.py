from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from shenbao.calls.definition.load import parse_file
from shenbao.calls.definitions import SEED_FILES
from shenbao.calls.models import Call
from shenbao.calls.services.definitions import load_call_definition

ROOT = Path(__file__).resolve().parents[1]

pytest_plugins = [
    "tests.applications.fixtures",
    "tests.reviews.fixtures",
    "tests.reviews.response_fixtures",
    "tests.documents.fixtures",
]


def pytest_configure(config: pytest.Config) -> None:
    """Compile the message catalogues so tests see the current translations."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py")], check=True, capture_output=True)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _chinese_by_default(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    # Tasks (mail) run at once when the transaction commits; tests of the queue itself switch back.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Password hashing is deliberately slow; tests create many accounts and test no hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed_data(seed: str) -> dict[str, Any]:
    """A seed definition as plain data, to change in a test."""
    return copy.deepcopy(yaml.safe_load(SEED_FILES[seed].read_text(encoding="utf-8")))


@pytest.fixture
def load_seed(db: Any) -> Callable[[str], Call]:
    def _load(seed: str) -> Call:
        return load_call_definition(definition=parse_file(SEED_FILES[seed]), source=SEED_FILES[seed].name).call

    return _load


@pytest.fixture
def seed_calls(load_seed: Callable[[str], Call]) -> dict[str, Call]:
    return {seed: load_seed(seed) for seed in SEED_FILES}
