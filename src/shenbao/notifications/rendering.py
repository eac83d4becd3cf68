"""Render a mail template in the recipient's language, as plain text (no HTML escaping)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.template import engines
from django.utils import translation


def site_url() -> str:
    """The configured address of the site (``SHENBAO_SITE_URL``), without a trailing slash."""
    return str(settings.SHENBAO_SITE_URL).rstrip("/")


def absolute(path: str) -> str:
    """An absolute link for a mail: ``/apply/…`` → ``https://shenbao.example.org/apply/…``."""
    if path.startswith(("http://", "https://")):
        return path
    return site_url() + (path if path.startswith("/") else "/" + path)


def site_path(link: str) -> str:
    """The path (and query) of a link on this site, for the in-app notification: the site's own
    address is dropped, and of a link to another host only the path is kept, so following a
    notification never leaves the site."""
    link = (link or "").strip()
    if not link:
        return ""
    base = site_url()
    if base and link.startswith(base + "/"):
        link = link[len(base) :]
    if link.startswith(("http://", "https://", "//")):
        parts = urlsplit(link)
        link = parts.path + (f"?{parts.query}" if parts.query else "")
    if not link.startswith("/") or link.startswith("//"):
        link = "/" + link.lstrip("/")
    return link[:500]


def render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of ``notifications/<template>_subject.txt`` and ``_body.txt`` in ``language``.

    The ``text`` template engine does not escape HTML: a title with quotes stays as written."""
    engine = engines["text"]
    data = {"site_url": site_url(), **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = engine.get_template(f"notifications/{template}_subject.txt").render(data)
        body = engine.get_template(f"notifications/{template}_body.txt").render(data)
    return " ".join(subject.split()), body.strip() + "\n"
