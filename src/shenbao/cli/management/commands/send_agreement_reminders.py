from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from shenbao.agreements.services.reminders import send_agreement_reminders


class Command(BaseCommand):
    help = (
        "Remind the PI and the institution of agreements still unsigned as their last day nears (run daily): "
        "when the call's reminder window opens (5 working days left by default) and on the last day, "
        "at most once a day per agreement."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--link-base", default="", help="the site's address, for the link in the message")

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = send_agreement_reminders(link_base=options["link_base"])
        self.stdout.write(f"agreements reminded: {reminded}")
