from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shenbao.projects.services.reminders import send_report_reminders


class Command(BaseCommand):
    help = (
        "Remind PIs of reports and milestones as their due date nears (run daily): when the window opens "
        "(10 working days before), on the due day and once when overdue, at most once a day per milestone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = send_report_reminders()
        self.stdout.write(f"milestones reminded: {reminded}")
