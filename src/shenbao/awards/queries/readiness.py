"""What publication and agreements need (issue 13.2): publication an approved selection, agreements
published results.  Review and selection readiness are in ``calls.queries.readiness``; this module
re-exports them so a caller asks one place.  Services call ``.require()``; pages show ``.reason``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shenbao.awards.enums import AwardStatus, RunStatus
from shenbao.awards.models import Award, SelectionRun
from shenbao.awards.transitions import PUBLISHED_AWARD_STATES
from shenbao.calls.models import Call
from shenbao.calls.queries.readiness import READY, Readiness, review_readiness, selection_readiness

__all__ = [
    "PUBLISHED_AWARD_STATES",
    "Readiness",
    "agreements_readiness",
    "publication_readiness",
    "results_published",
    "review_readiness",
    "selection_readiness",
]


def results_published(call: Call | int) -> bool:
    """True once any award of the call has been published (the public notice, final results, or a
    published award revoked since): only approved awards are still unpublished."""
    call_id = call if isinstance(call, int) else call.pk
    return Award.objects.filter(call_id=call_id).exclude(status=AwardStatus.APPROVED).exists()


def publication_readiness(call: Call) -> Readiness:
    """Publishing results needs an approved selection with something to publish."""
    if not SelectionRun.objects.filter(call=call, status=RunStatus.APPROVED).exists():
        return Readiness(False, _("Results can be published once a selection has been approved."))
    return READY


def agreements_readiness(call: Call) -> Readiness:
    """Opening agreements needs published results."""
    if not results_published(call):
        return Readiness(False, _("Agreements can be opened once the results have been published."))
    return READY
