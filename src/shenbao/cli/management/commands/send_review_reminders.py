from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shenbao.projects.services.reminders import send_report_review_reminders
from shenbao.reviews.services.reminders import send_review_reminders


class Command(BaseCommand):
    help = (
        "Remind reviewers of reviews due within three days (at most one message per stage per day), and experts of "
        "project report reviews due within three days or overdue (at most one message per call per day). Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--link-base", default="", help="the site's address, for the link in the message")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_review_reminders(link_base=options["link_base"])
        self.stdout.write(f"reminders queued: {sent}")
        reports = send_report_review_reminders()
        self.stdout.write(f"report review reminders queued: {reports}")
