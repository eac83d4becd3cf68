from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shenbao.calls.definition.tables import TableUnreadable, read_rows
from shenbao.calls.messages import problem_line, unreadable
from shenbao.calls.models import Call
from shenbao.calls.services.directions import DirectionImportInvalid, import_directions, plan_direction_import
from shenbao.cli.output import bilingual
from shenbao.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Import a direction list (e.g. a topic list) from .csv or .xlsx into a call; --dry-run lists every row's problems first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--example", action="store_true", help="mark every imported direction as synthetic example data")
        parser.add_argument("--replace", action="store_true", help="remove directions that are not in the file")

    def handle(self, *args: Any, **options: Any) -> None:
        call = Call.objects.filter(code=options["code"]).first()
        if call is None:
            raise CommandError(f"{options['code']}: no such call / 没有这个征集")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file / 文件不存在")
        try:
            rows = read_rows(path)
        except TableUnreadable as exc:
            raise CommandError(f"{path}: {unreadable(exc)}") from exc
        plan = plan_direction_import(call=call, rows=rows, example=options["example"], replace=options["replace"])
        if not plan.ok:
            lines = [f"  {problem_line(p, 'zh-hans')}\n    {problem_line(p, 'en')}" for p in plan.problems]
            raise CommandError(
                f"{path}: {len(plan.problems)} problem(s), nothing written / 发现问题，未写入\n" + "\n".join(lines)
            )
        summary = (
            f"add {len(plan.added)}, update {len(plan.updated)}, unchanged {len(plan.unchanged)}, remove {len(plan.removed)}"
        )
        if options["dry_run"]:
            self.stdout.write(f"{call.code}: dry run: {summary}")
            return
        try:
            _, result = import_directions(
                call=call, rows=rows, example=options["example"], replace=options["replace"], source=path.name
            )
        except DirectionImportInvalid as exc:
            raise CommandError("\n".join(problem_line(p, "en") for p in exc.problems)) from exc
        except DomainError as exc:
            raise CommandError(f"{path}: {bilingual(exc)}") from exc
        self.stdout.write(f"{call.code}: {summary}; version {result.version}")
