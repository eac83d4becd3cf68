"""The corpus scorer compares printed numbers as numbers: circled ones too (issue 14)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("guide_corpus_ids", ROOT / "bench" / "guide_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


scorer = _scorer()


@pytest.mark.parametrize(("printed", "key"), [("①", "1"), ("⑫", "12"), ("⑳", "20"), ("1", "1"), ("①②", "①②")])
def test_a_circled_number_is_that_number(printed: str, key: str) -> None:
    assert scorer.id_key(printed) == key
