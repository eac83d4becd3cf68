from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shenbao.core.services.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write one archive (tar) of the database (pg_dump for PostgreSQL, a consistent copy for SQLite) "
        "and every stored file, with a manifest of row counts and SHA-256 hashes (docs/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="the archive to write, e.g. shenbao-2026-12-03.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = write_backup(options["out"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            _("Backup written to %(path)s: %(rows)s rows in %(tables)s tables, %(files)s files.")
            % {
                "path": result.path,
                "rows": sum(manifest["counts"].values()),
                "tables": sum(1 for n in manifest["counts"].values() if n),
                "files": len(manifest["files"]),
            }
        )
