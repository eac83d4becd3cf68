from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shenbao.calls.definition.load import DefinitionInvalid, parse_file, reconcile
from shenbao.calls.messages import bilingual_lines
from shenbao.cli.output import reconciliation_lines


class Command(BaseCommand):
    help = (
        "Validate a call-definition file (YAML or JSON); errors name the field path and say what is wrong in Chinese and English."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file / 文件不存在")
            try:
                definition = parse_file(path)
            except DefinitionInvalid as exc:
                failed += 1
                self.stderr.write(f"{path}: {len(exc.errors)} error(s) / {len(exc.errors)} 处错误")
                for line in bilingual_lines(exc.errors):
                    self.stderr.write(f"  {line}")
                continue
            self.stdout.write(f"{path}: OK ({definition.call.code}, {len(definition.directions)} directions)")
            for line in reconciliation_lines(reconcile(definition)):
                self.stdout.write(f"  {line}")
        if failed:
            raise CommandError(f"{failed} invalid file(s) / {failed} 个文件无效")
