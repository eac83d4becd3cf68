from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shenbao.cli.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the four seed calls, a synthetic (示例) topic list, an example open call and demo log-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in load_demo():
            self.stdout.write(line)
        self.stdout.write(f"Demo log-ins / 演示账号 (password / 密码: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<24} {login.role}")
