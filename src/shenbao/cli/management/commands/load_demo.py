from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.test import override_settings

from shenbao.cli.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the four seed calls, a synthetic (示例) topic list, an example open call and demo log-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's receipt e-mails go nowhere; the log-ins are printed below instead.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            lines = load_demo()
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"Demo log-ins / 演示账号 (password / 密码: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<24} {login.role}")
