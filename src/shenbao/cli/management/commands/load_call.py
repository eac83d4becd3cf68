from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shenbao.calls.definition.load import DefinitionInvalid, parse_file
from shenbao.calls.messages import bilingual_lines
from shenbao.calls.services.definitions import load_call_definition
from shenbao.cli.output import bilingual
from shenbao.core.errors import DomainError


class Command(BaseCommand):
    help = "Create or update a call from a definition file. Loading the same file again changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file / 文件不存在")
            try:
                definition = parse_file(path)
            except DefinitionInvalid as exc:
                raise CommandError(
                    f"{path}: invalid / 定义无效\n" + "\n".join("  " + line for line in bilingual_lines(exc.errors))
                ) from exc
            try:
                result = load_call_definition(definition=definition, source=path.name)
            except DomainError as exc:
                raise CommandError(f"{path}: {bilingual(exc)}") from exc
            if result.created:
                state = "created"
            elif result.changed:
                state = f"updated to version {result.version}"
            else:
                state = f"unchanged (version {result.version})"
            self.stdout.write(f"{result.call.code}: {state}")
