from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shenbao.agreements.services.agreements import forfeit_overdue


class Command(BaseCommand):
    help = "Forfeit agreements still unsigned after their last day (run daily); offers the next reserve where the call allows."

    def handle(self, *args: Any, **options: Any) -> None:
        forfeited = forfeit_overdue()
        self.stdout.write(f"agreements forfeited: {len(forfeited)}")
