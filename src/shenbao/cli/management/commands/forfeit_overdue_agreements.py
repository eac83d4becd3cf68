from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shenbao.agreements.services.overdue import forfeit_overdue


class Command(BaseCommand):
    help = (
        "Agreements still unsigned after their last day (run daily): forfeited where the call's terms say "
        "forfeit_automatically (the next reserve offered where the call allows), otherwise marked overdue for "
        "staff to record the cause and forfeit or extend."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = forfeit_overdue()
        self.stdout.write(f"agreements forfeited: {len(outcome.forfeited)}; overdue for staff: {len(outcome.overdue)}")
