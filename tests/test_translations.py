"""Every user-facing string exists in Simplified Chinese (CONVENTIONS rule 9)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)\w|\{\{\s*\w+\s*\}\}")


def _catalog() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle)


def test_every_message_is_translated_and_not_fuzzy() -> None:
    missing = [m.id for m in _catalog() if m.id and (not m.string or "fuzzy" in m.flags)]
    assert missing == []


def test_translations_keep_every_placeholder() -> None:
    wrong = [
        m.id for m in _catalog() if m.id and sorted(PLACEHOLDER.findall(str(m.id))) != sorted(PLACEHOLDER.findall(str(m.string)))
    ]
    assert wrong == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed (CI installs it)")
def test_catalogue_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    """Running makemessages would add no new message: nothing user-facing is left untranslated."""
    shutil.copytree(ROOT / "src", tmp_path / "src")
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    before = {m.id for m in _catalog() if m.id}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    with (tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        after = {m.id for m in read_po(handle) if m.id}
    assert sorted(map(str, after - before)) == []
