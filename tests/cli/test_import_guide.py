"""manage.py import_guide FILE [--out call.yaml]: prints the directions and the reconciliation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shenbao.calls.definition.load import parse_file
from tests.guides.documents import FIXTURES, SEEDS, make_pdf


def test_import_guide_prints_the_reconciliation_and_writes_yaml(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "call.yaml"
    call_command("import_guide", str(FIXTURES / SEEDS["003"]), "--out", str(target), stdout=out, stderr=err)
    text = out.getvalue()
    assert "directions: 19 (decimal)" in text
    assert "  1.1 · 中国和新西兰政府间科技合作项目 · quota exact 6 · budget 1080 万元" in text
    assert "  directions: stated 19, sum 19 — matches" in text
    assert "  projects: stated 176, sum 176 — matches" in text
    assert "  budget (万元): stated 34,890, sum 34,890 — matches" in text
    assert "未找到申报截止时间" in err.getvalue() and "No submission deadline was found" in err.getvalue()
    definition = parse_file(target)
    assert len(definition.directions) == 19 and definition.call.status == "draft"


def test_import_guide_shows_gaps_instead_of_zeros(tmp_path: Path) -> None:
    path = tmp_path / "gap.txt"
    path.write_text(
        "测试专项申报指南\n设立 2个指南方向，拟支持项目数约 8个，国拨经费总概算 2000万元。\n"
        "1.1 甲方向\n拟支持项目数：5个。\n共拟支持经费：1000万元。\n1.2 乙方向\n拟支持项目数：见附件。\n共拟支持经费：1000万元。\n",
        encoding="gbk",
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_guide", str(path), stdout=out, stderr=err)
    assert "  projects: stated 8, sum 5 — difference -3, missing: 1.2" in out.getvalue()
    assert "  budget (万元): stated 2,000, sum 2,000 — matches" in out.getvalue()
    assert "The number of projects at directions.1.quota was not understood" in err.getvalue()


def test_import_guide_refuses_a_scan_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf(None))
    with pytest.raises(CommandError) as info:
        call_command("import_guide", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert "The PDF has no text layer" in str(info.value) and "没有文字层" in str(info.value)
