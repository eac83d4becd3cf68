from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shenbao.applications.services.bilateral import import_partner_list, parse_partner_rows
from shenbao.calls.definition.tables import TableUnreadable, read_rows
from shenbao.calls.messages import problem_line, unreadable
from shenbao.calls.models import Call


class Command(BaseCommand):
    help = (
        "Compare a bilateral call's applications with the partner agency's list (.csv/.xlsx with columns "
        "reference, english_title, field, partner_organisation, pi, duration_months), keep the list as the call's "
        "current one (the staff page shows it) and report the differences."
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
        stored = import_partner_list(call=call, rows=theirs, actor=None, source=options["file"].name)
        report = stored.report
        self.stdout.write(f"{call.code}: compared {report['compared']}, matched {report['matched']}")
        for entry in report["applications"]:
            if entry["fields"]:
                self.stdout.write(f"  {entry['receipt']}: differs in {', '.join(entry['fields'])}")
                for name in entry["fields"]:
                    ours, theirs_value = entry["details"][name]
                    self.stdout.write(f"    {name}: ours “{ours}” / partner “{theirs_value}”")
        for entry in report["applications"]:
            if not entry["found"]:
                self.stdout.write(f"  application {entry['application']}: no counterpart in the partner list")
        for row in report["unclaimed"]:
            self.stdout.write(f"  partner row {row['row']} ({row['reference'] or row['english_title']}): no matching application")
