from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shenbao.documents.services.jobs import purge_file_jobs


class Command(BaseCommand):
    help = (
        "Remove the files prepared in the background (PDF zips, large exports) that have been ready for longer "
        "than SHENBAO_FILE_JOB_RETENTION_DAYS (default 7) from storage; their jobs stay listed as expired. Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Retention in days (default: the setting).")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 0:
            self.stderr.write("--days must be 0 or more")
            raise SystemExit(2)
        outcome = purge_file_jobs(days=days)
        self.stdout.write(f"files removed: {outcome.jobs}; bytes freed: {outcome.bytes}")
