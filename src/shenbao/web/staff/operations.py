"""The operations page for administrators (issue 18): how many tasks wait, run and failed, the latest
failures with their error, and which task workers are alive on which machine."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from shenbao.core.queries.worker import queue_state, recent_failures, stale_after, workers


@login_required
def operations(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("core.view_operations"):
        raise Http404(_("No such page."))
    now = timezone.now()
    state = queue_state(now=now)
    waiting = int((now - state.oldest_ready_at).total_seconds()) if state.oldest_ready_at else None
    failures = [
        {
            "task": f.task_path,
            "queue": f.queue_name,
            "error": f.exception_class_path.rsplit(".", 1)[-1],
            "detail": f.traceback.strip().splitlines()[-1] if f.traceback.strip() else "",
            "finished_at": f.finished_at,
            "workers": ", ".join(f.worker_ids),
        }
        for f in recent_failures(limit=20)
    ]
    context = {
        "state": state,
        "waiting_seconds": waiting,
        "failures": failures,
        "workers": workers(now=now),
        "stale_seconds": int(stale_after().total_seconds()),
    }
    return render(request, "web/staff/operations.html", context)
