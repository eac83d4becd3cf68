"""The product's WSGI application with every view imported up front, so that ``gunicorn
--preload`` forks workers that are ready (no first-request imports inside the timing)."""

from django.urls import get_resolver

from shenbao.config.wsgi import application

get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module

__all__ = ["application"]
