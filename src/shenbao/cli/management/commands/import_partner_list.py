from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shenbao.applications.services.bilateral import compare_with_partner_list, parse_partner_rows
from shenbao.calls.definition.tables import TableUnreadable, read_rows
from shenbao.calls.messages import problem_line, unreadable
from shenbao.calls.models import Call


class Command(BaseCommand):
    help = (
        "Compare a bilateral call's applications with the partner agency's list (.csv/.xlsx with columns "
        "reference, english_title, field, partner_organisation, pi, duration_months) and report the differences."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        call = Call.objects.filter(code=options["code"]).first()
        if call is None:
            raise CommandError(f"{options['code']}: no such call / 没有这个征集")
        try:
            rows = read_rows(options["file"])
        except (TableUnreadable, OSError) as exc:
            raise CommandError(f"{options['file']}: {unreadable(exc) if isinstance(exc, TableUnreadable) else exc}") from exc
        theirs, problems = parse_partner_rows(rows)
        if problems:
            raise CommandError("\n".join(problem_line(p, "en") for p in problems))
        report = compare_with_partner_list(call=call, rows=theirs, source=options["file"].name)
        self.stdout.write(f"{call.code}: compared {report.compared}, matched {report.matched}")
        for item in report.with_mismatches:
            self.stdout.write(f"  {item['receipt']}: differs in {', '.join(item['fields'])}")
            for name, (ours, theirs_value) in item["details"].items():
                self.stdout.write(f"    {name}: ours “{ours}” / partner “{theirs_value}”")
        for pk in report.without_counterpart:
            self.stdout.write(f"  application {pk}: no counterpart in the partner list")
        for row in report.unclaimed_rows:
            self.stdout.write(f"  partner row {row.row} ({row.reference or row.english_title}): no matching application")
