"""Reads of the outbox."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from shenbao.notifications.models import MailHold, Message


def outbox(*, call_code: str, state: str = "", template: str = "", search: str = "") -> QuerySet[Message]:
    rows = Message.objects.filter(call_code=call_code)
    if state:
        rows = rows.filter(state=state)
    if template:
        rows = rows.filter(template=template)
    if search:
        rows = rows.filter(Q(to__icontains=search) | Q(subject__icontains=search))
    return rows.order_by("-created_at", "-pk")


def outbox_counts(call_code: str) -> dict[str, int]:
    return {row["state"]: row["n"] for row in Message.objects.filter(call_code=call_code).values("state").annotate(n=Count("pk"))}


def outbox_templates(call_code: str) -> list[str]:
    return list(Message.objects.filter(call_code=call_code).values_list("template", flat=True).distinct().order_by("template"))


def is_held(call_code: str) -> bool:
    return MailHold.objects.filter(call_code=call_code).exists()
