"""The call commands: validate_call, load_call, export_call, import_directions."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from shenbao.calls.definitions import SEED_000_TOPICS_EXAMPLE, SEED_FILES
from shenbao.calls.models import Call, CallDefinitionVersion, Direction
from shenbao.core.models import AuditEntry
from tests.conftest import seed_data


def run(*args: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, data: Any, name: str = "call.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_validate_call_accepts_the_seeds_and_prints_the_reconciliation() -> None:
    out, _ = run("validate_call", str(SEED_FILES["003"]))
    assert "OK (most-intl-2025-2, 19 directions)" in out
    assert "projects: stated 176, sum 176 — matches" in out
    assert "budget (万元): stated 34,890, sum 34,890 — matches" in out


def test_validate_call_names_the_path_and_reason_in_both_languages(tmp_path: Path) -> None:
    data = seed_data("003")
    data["directions"][4]["quota"]["qualifier"] = "roughly"
    data["directions"][0]["partner"]["countries"] = ["ZZ"]
    path = write(tmp_path, data)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 invalid file"):
        call_command("validate_call", str(path), stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert "2 error(s)" in text
    assert "directions.0.partner.countries.0: “ZZ” is not an ISO 3166 country code." in text
    assert "directions.0.partner.countries.0: “ZZ”不是有效的 ISO 3166 国家/地区代码。" in text
    assert "directions.4.quota.qualifier: Must be one of:" in text
    assert "directions.4.quota.qualifier: 必须是以下值之一：" in text


def test_validate_call_reports_yaml_syntax_errors(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("program: [\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("validate_call", str(path), stdout=io.StringIO(), stderr=err)
    assert "(whole document): The file is not valid YAML or JSON (line 2" in err.getvalue()


def test_validate_call_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        run("validate_call", str(tmp_path / "nope.yaml"))


@pytest.mark.django_db
def test_load_call_twice_changes_nothing() -> None:
    out, _ = run("load_call", str(SEED_FILES["004"]))
    assert out.strip() == "thepaper-kcxf-2025: created"
    audit = AuditEntry.objects.count()
    out, _ = run("load_call", str(SEED_FILES["004"]))
    assert out.strip() == "thepaper-kcxf-2025: unchanged (version 1)"
    assert AuditEntry.objects.count() == audit
    assert CallDefinitionVersion.objects.count() == 1


@pytest.mark.django_db
def test_load_call_refuses_an_invalid_file_and_keeps_what_was_loaded(tmp_path: Path) -> None:
    run("load_call", str(SEED_FILES["004"]))
    data = seed_data("004")
    data["timeline"] = [t for t in data["timeline"] if t["kind"] != "deadline"]
    with pytest.raises(CommandError, match="The timeline needs a deadline item"):
        run("load_call", str(write(tmp_path, data)))
    call = Call.objects.get(code="thepaper-kcxf-2025")
    assert (call.version, call.directions.count()) == (1, 8)


@pytest.mark.django_db
def test_export_then_load_is_unchanged(tmp_path: Path) -> None:
    run("load_call", str(SEED_FILES["003"]))
    out_file = tmp_path / "export.yaml"
    run("export_call", "most-intl-2025-2", "--out", str(out_file))
    out, _ = run("load_call", str(out_file))
    assert out.strip() == "most-intl-2025-2: unchanged (version 1)"
    json_text, _ = run("export_call", "most-intl-2025-2", "--format", "json")
    assert '"code": "most-intl-2025-2"' in json_text


@pytest.mark.django_db
def test_export_unknown_call() -> None:
    with pytest.raises(CommandError, match="no such call"):
        run("export_call", "nope")


@pytest.mark.django_db
def test_import_topic_list_dry_run_writes_nothing() -> None:
    run("load_call", str(SEED_FILES["000"]))
    out, _ = run("import_directions", "xiaomi-jbgs-2025", str(SEED_000_TOPICS_EXAMPLE), "--example", "--dry-run")
    assert out.strip() == "xiaomi-jbgs-2025: dry run: add 50, update 0, unchanged 0, remove 0"
    assert Direction.objects.count() == 0


@pytest.mark.django_db
def test_import_topic_list_then_again_is_unchanged() -> None:
    run("load_call", str(SEED_FILES["000"]))
    out, _ = run("import_directions", "xiaomi-jbgs-2025", str(SEED_000_TOPICS_EXAMPLE), "--example")
    assert out.strip() == "xiaomi-jbgs-2025: add 50, update 0, unchanged 0, remove 0; version 2"
    call = Call.objects.get(code="xiaomi-jbgs-2025")
    assert call.directions.count() == 50
    assert call.directions.filter(example=True).count() == 50
    out, _ = run("import_directions", "xiaomi-jbgs-2025", str(SEED_000_TOPICS_EXAMPLE), "--example")
    assert out.strip() == "xiaomi-jbgs-2025: add 0, update 0, unchanged 50, remove 0; version 2"


@pytest.mark.django_db
def test_import_with_bad_rows_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    run("load_call", str(SEED_FILES["000"]))
    path = tmp_path / "topics.csv"
    path.write_text(
        "code,title_zh,title_en,quota\nT-1,课题一,Topic 1,\nT-1,重复,Duplicate,\nT 3,空格,Space,\nT-4,,,\nT-5,课题五,Topic 5,many\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as info:
        run("import_directions", "xiaomi-jbgs-2025", str(path))
    text = str(info.value)
    assert "4 problem(s), nothing written" in text
    assert "Row 3, column code: The code “T-1” appears more than once." in text
    assert "Row 4, column code:" in text
    assert "Row 5, column title_zh: A value is required." in text
    assert "Row 6, column quota: “many” is not a number." in text
    assert "第 6 行，quota 列：“many”不是数字。" in text
    assert Direction.objects.count() == 0


@pytest.mark.django_db
def test_import_xlsx_topic_list(tmp_path: Path) -> None:
    from openpyxl import Workbook

    run("load_call", str(SEED_FILES["000"]))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["code", "title_zh", "title_en", "budget_wan"])
    sheet.append(["X-1", "示例课题一", "Example topic 1", 20])
    sheet.append(["X-2", "示例课题二", "Example topic 2", None])
    path = tmp_path / "topics.xlsx"
    workbook.save(path)
    out, _ = run("import_directions", "xiaomi-jbgs-2025", str(path), "--example")
    assert "add 2" in out
    direction = Direction.objects.get(code="X-1")
    assert (direction.budget_total_yuan, direction.example) == (200_000, True)


@pytest.mark.django_db
def test_import_refuses_a_file_that_is_not_a_table(tmp_path: Path) -> None:
    run("load_call", str(SEED_FILES["000"]))
    path = tmp_path / "topics.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError, match=r"不是可读取的 .xlsx|The file is not a readable .xlsx workbook."):
        run("import_directions", "xiaomi-jbgs-2025", str(path))
    path = tmp_path / "topics.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match=r"Only .csv and .xlsx files can be imported."):
        run("import_directions", "xiaomi-jbgs-2025", str(path))


@pytest.mark.django_db
def test_import_refuses_an_empty_table_and_extra_cells(tmp_path: Path) -> None:
    run("load_call", str(SEED_FILES["000"]))
    run("import_directions", "xiaomi-jbgs-2025", str(SEED_000_TOPICS_EXAMPLE), "--example")
    empty = tmp_path / "empty.csv"
    empty.write_text("code,title_zh,title_en\n", encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape("The table has no rows; nothing was changed.")):
        run("import_directions", "xiaomi-jbgs-2025", str(empty), "--replace")
    assert Direction.objects.count() == 50
    extra = tmp_path / "extra.csv"
    extra.write_text("code,title_zh\nT-1,课题一,多余\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=re.escape("Row 2, column (extra cells): The row has more cells than the header: 多余.")
    ):
        run("import_directions", "xiaomi-jbgs-2025", str(extra))


@pytest.mark.django_db
def test_import_points_definition_errors_at_the_row(tmp_path: Path) -> None:
    run("load_call", str(SEED_FILES["004"]))
    path = tmp_path / "lists.csv"
    path.write_text("code,title_zh,title_en,category\nnew-list,新榜单,New list,no-such-category\n", encoding="utf-8")
    with pytest.raises(
        CommandError, match=re.escape("Row 2, column category: Refers to “no-such-category”, which is not defined in this call.")
    ):
        run("import_directions", "thepaper-kcxf-2025", str(path))


@pytest.mark.django_db
def test_import_reads_gb18030_csv(tmp_path: Path) -> None:
    run("load_call", str(SEED_FILES["000"]))
    path = tmp_path / "gbk.csv"
    path.write_bytes("code,title_zh,title_en\nG-1,国标编码课题,GB topic\n".encode("gb18030"))
    out, _ = run("import_directions", "xiaomi-jbgs-2025", str(path))
    assert "add 1" in out
    assert Direction.objects.get(code="G-1").title["zh-hans"] == "国标编码课题"
