from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shenbao.projects.services.disbursement import update_tranches


class Command(BaseCommand):
    help = (
        "Tranches of running projects (run daily): planned tranches fall due on their date (or on signing); "
        "those tied to a mid-term or final report past due without the report are withheld."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = update_tranches()
        self.stdout.write(f"tranches due: {len(run.due)}; withheld for an overdue report: {len(run.withheld)}")
