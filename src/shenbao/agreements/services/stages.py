"""Glue between stages, called alike by the web pages, the API and the demo."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from shenbao.accounts.models import User
from shenbao.agreements.services.agreements import open_agreements
from shenbao.awards.models import PublicNotice
from shenbao.awards.services.decisions import publish_results
from shenbao.calls.models import Call


@transaction.atomic
def publish_results_and_open_agreements(
    *, call: Call, actor: User, notice_days: int | None = None, now: dt.datetime | None = None
) -> tuple[PublicNotice, int]:
    """Publish the approved results, then open an agreement for every award (where the call requires
    agreements); the term counts from this publication.  Returns the notice and how many opened."""
    now = now or timezone.now()
    notice = publish_results(call=call, actor=actor, now=now, notice_days=notice_days)
    return notice, open_agreements(call=call, actor=actor, now=now)
