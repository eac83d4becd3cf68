from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shenbao.core.services.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty installation (same database engine), "
        "checking every SHA-256 before anything changes and the row counts after (docs/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace the data and files of an installation that is not empty"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_backup(options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored the backup of %(created)s: %(rows)s rows, %(files)s files, every hash checked.")
            % {"created": result.manifest["created_at"], "rows": sum(result.counts.values()), "files": result.files}
        )
