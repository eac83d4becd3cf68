from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shenbao.calls.services.status import open_due_calls


class Command(BaseCommand):
    help = "Open published calls whose opening time has come (run every few minutes): a published call takes no applications."

    def handle(self, *args: Any, **options: Any) -> None:
        opened = open_due_calls()
        self.stdout.write(f"calls opened: {len(opened)}")
