"""Which applications take part in a stage."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.models import User
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application
from shenbao.calls.enums import StageKind
from shenbao.calls.models import Call, ReviewStage
from shenbao.calls.queries.readiness import review_readiness
from shenbao.core.audit import log_action
from shenbao.core.text import text_get
from shenbao.reviews.errors import StageNotReady
from shenbao.reviews.models import StageEntry
from shenbao.reviews.queries.stages import previous_stage


@transaction.atomic
def open_stage(*, stage: ReviewStage, actor: User) -> int:
    """Enter the applications that reached ``stage``: those that passed the formal check for the first
    scoring stage; later stages are filled by advancement from the stage before.  Idempotent; returns
    how many applications were added."""
    if stage.kind == StageKind.FORMAL_CHECK:
        raise StageNotReady(_("The formal check runs from its own queue, not as a review stage."))
    review_readiness(Call.objects.get(pk=stage.call_id)).require()  # not while applications may still come in (issue 13.2)
    ReviewStage.objects.select_for_update().get(pk=stage.pk)  # one at a time
    before = previous_stage(stage)
    if before is not None and before.kind != StageKind.FORMAL_CHECK:
        raise StageNotReady(
            _("Applications enter this stage by advancing from “%(stage)s”."),
            params={"stage": text_get(before.name, get_language())},
        )
    passed = Application.objects.filter(call_id=stage.call_id, state=ApplicationState.CHECK_PASSED)
    present = set(StageEntry.objects.filter(stage=stage).values_list("application_id", flat=True))
    new = [StageEntry(stage=stage, application_id=pk) for pk in passed.values_list("pk", flat=True) if pk not in present]
    StageEntry.objects.bulk_create(new)
    if new:
        log_action(action="shenbao.review.stage_opened", obj=stage, actor=actor, data={"entered": len(new)})
    return len(new)
