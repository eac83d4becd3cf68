from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shenbao.calls.definition.load import to_data, to_yaml
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition


class Command(BaseCommand):
    help = "Write a call's current definition as YAML (default) or JSON, to a file or standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("--out", type=Path)
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")

    def handle(self, *args: Any, **options: Any) -> None:
        call = Call.objects.filter(code=options["code"]).first()
        if call is None:
            raise CommandError(f"{options['code']}: no such call / 没有这个征集")
        definition = current_definition(call)
        if options["format"] == "json":
            text = json.dumps(to_data(definition), ensure_ascii=False, indent=2) + "\n"
        else:
            text = to_yaml(definition)
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8")
            self.stdout.write(f"{call.code}: version {call.version} written to {options['out']}")
        else:
            self.stdout.write(text, ending="")
