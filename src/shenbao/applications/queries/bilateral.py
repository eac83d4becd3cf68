"""Bilateral calls (seed 003): which calls compare with a partner agency's list, and the kept list."""

from __future__ import annotations

from shenbao.applications.models import PartnerList
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition


def is_bilateral(call: Call) -> bool:
    """Whether any of the call's rules asks for the partner's matching submission."""
    return any(criterion.rule.kind == "bilateral_submission" for criterion in current_definition(call).eligibility)


def partner_list_of(call: Call) -> PartnerList | None:
    """The partner agency's list last imported for the call, if any."""
    return PartnerList.objects.select_related("imported_by").filter(call=call).first()
