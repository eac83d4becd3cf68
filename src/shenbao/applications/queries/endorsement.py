"""Reads for institution officers (依托单位管理员): their organisations' applications to endorse."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from shenbao.accounts.enums import MembershipRole
from shenbao.accounts.models import Membership
from shenbao.applications.enums import ApplicationState
from shenbao.applications.models import Application, EndorsementDecision
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition

#: What the workspace lists: waiting for the officer, already decided by the institution, or both.
SHOW = ("waiting", "decided", "all")


def officer_organisation_ids(user: Any) -> list[int]:
    """The organisations ``user`` is a current institution officer of."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user, role=MembershipRole.OFFICER, end_date__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def _calls_asking(organisation_ids: list[int]) -> list[int]:
    """Calls with applications of these organisations whose definition asks for the endorsement
    (one read per call, not per application: the definition is cached by its hash)."""
    calls = Call.objects.filter(applications__lead_organisation_id__in=organisation_ids).distinct()
    return [c.pk for c in calls if current_definition(c).call.institution_endorsement]


def endorsement_list(*, user: Any, show: str = "waiting") -> QuerySet[Application]:
    """The applications of the officer's organisations in calls that ask for the endorsement."""
    organisations = officer_organisation_ids(user)
    rows = Application.objects.filter(lead_organisation_id__in=organisations, call_id__in=_calls_asking(organisations))
    if show == "decided":
        rows = rows.filter(endorsements__isnull=False).distinct()
    elif show == "all":
        rows = rows.exclude(state=ApplicationState.DRAFT)
    else:
        rows = rows.filter(state=ApplicationState.SUBMITTED)
    return (
        rows.select_related("call", "direction", "applicant__person", "lead_organisation")
        .prefetch_related(Prefetch("endorsements", queryset=EndorsementDecision.objects.order_by("-decided_at", "-pk")))
        .order_by("submitted_at", "pk")
    )
