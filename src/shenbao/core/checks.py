"""Production settings checks (issue 18), run by ``manage.py check --deploy`` beside Django's own:
the settings that are right for ``make demo`` on one machine and wrong for a production site."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_services(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        found.append(
            Warning(
                "The cache is each process's own memory: log-in lock-outs and rate limits are counted per process.",
                hint="Set SHENBAO_CACHE_URL to a Redis shared by every app server and worker (docs/deploy.md).",
                id="shenbao.W001",
            )
        )
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        found.append(
            Warning(
                "Background tasks do not go to the database queue: mail and imports run inside the request.",
                hint="Leave SHENBAO_TASKS_BACKEND unset (database) and run `manage.py db_worker` (docs/deploy.md).",
                id="shenbao.W002",
            )
        )
    if settings.SHENBAO_STORAGE == "s3":
        endpoint = settings.STORAGES["default"]["OPTIONS"].get("endpoint_url") or ""
        if settings.HTTPS and endpoint.startswith("http://") and settings.SHENBAO_DOWNLOADS == "redirect":
            found.append(
                Warning(
                    "Downloads are redirected to an object store over plain HTTP from a site served over HTTPS.",
                    hint="Give SHENBAO_S3_ENDPOINT_URL an https:// address, or set SHENBAO_DOWNLOADS=stream.",
                    id="shenbao.W003",
                )
            )
    if settings.SHENBAO_LOG_FORMAT != "json":
        found.append(
            Warning(
                "Logs are plain text: a log collector cannot search them by request id or field.",
                hint="Set SHENBAO_LOG_FORMAT=json (docs/deploy.md).",
                id="shenbao.W004",
            )
        )
    return found
