from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from shenbao.calls.definition.load import to_yaml
from shenbao.cli.output import bilingual, reconciliation_lines
from shenbao.guides.errors import GuideUnreadable
from shenbao.guides.messages import warning_text
from shenbao.guides.parser.extract import extract_guide
from shenbao.guides.parser.reading import GuideReadError, read_document


def _bilingual_warning(code: str, params: dict[str, Any]) -> str:
    with translation.override("zh-hans"):
        zh = warning_text(code, params)
    with translation.override("en"):
        en = warning_text(code, params)
    return f"{zh} / {en}"


def _amount(data: dict[str, Any]) -> str:
    if "min" in data:
        return f"{data['min']}–{data['max']}"
    return str(data.get("value", ""))


class Command(BaseCommand):
    help = (
        "Read a call document (text in any common encoding, .docx or .pdf; simplified or traditional Chinese), "
        "extract a draft call definition and print its directions and the reconciliation with the stated totals. "
        "Nothing is written to the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, help="write the draft call definition as YAML to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file / 文件不存在")
        try:
            document = read_document(path.read_bytes(), filename=path.name)
        except GuideReadError as exc:
            raise CommandError(f"{path}: {bilingual(GuideUnreadable.from_read_error(exc))}") from exc
        extraction = extract_guide(document.text)
        data = extraction.data
        call = data["call"]
        kind = document.kind + (f", {document.encoding}" if document.encoding else "")
        traditional = ", traditional → simplified" if extraction.text.traditional else ""
        self.stdout.write(f"{path.name} ({kind}{traditional}): {call['title']} · {call['year']}")
        self.stdout.write(f"directions: {len(data['directions'])} ({extraction.mode})")
        for d in data["directions"]:
            parts = [str(d["code"]), str(d["title"])]
            if "quota" in d:
                parts.append(f"quota {d['quota']['qualifier']} {_amount(d['quota'])}")
            total = d.get("budget", {}).get("total")
            if total:
                parts.append(
                    f"budget {total.get('amount_wan', total.get('amount'))}{' 万元' if 'amount_wan' in total else ' 元'}"
                )
            if "duration" in d:
                dur = d["duration"]
                parts.append(f"duration {dur['qualifier']} {_amount(dur)} {dur['unit']}")
            self.stdout.write("  " + " · ".join(parts))
        for item in data["timeline"]:
            when = item.get("at") or f"{item.get('start', '')} – {item.get('end', '')}"
            self.stdout.write(f"timeline: {item['kind']} {when}{' (to be set)' if item.get('tentative') else ''}")
        self.stdout.write("reconciliation:")
        if not extraction.reconciliation:
            self.stdout.write("  (the document states no totals / 文件未载明总数)")
        for line in reconciliation_lines(extraction.reconciliation):
            self.stdout.write(f"  {line}")
        for warning in extraction.warnings:
            self.stderr.write(f"warning: {_bilingual_warning(warning.code, warning.params)}")
        if options["out"]:
            if extraction.definition is None:
                raise CommandError("the draft is not a valid call definition / 草稿不是有效的指南定义")
            options["out"].write_text(to_yaml(extraction.definition), encoding="utf-8")
            self.stdout.write(f"wrote {options['out']}")
