from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from shenbao.cli.workflows import workflows_markdown


class Command(BaseCommand):
    help = "Write docs/workflows.md (state diagrams) from the transition tables."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "workflows.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(workflows_markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {path.relative_to(settings.BASE_DIR)}")
