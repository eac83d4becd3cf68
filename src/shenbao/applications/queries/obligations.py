"""The call's undertakings (承诺) as applicants and staff read them, and the breaches staff recorded."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shenbao.applications.models import Application, ObligationBreach
from shenbao.calls.definition.schema import ObligationParty
from shenbao.calls.models import Call
from shenbao.calls.queries.definitions import current_definition

PARTY_LABELS: dict[str, Promise] = {
    ObligationParty.APPLICANT: _("the applicant"),
    ObligationParty.INSTITUTION: _("the applicant's institution"),
    ObligationParty.FUNDER: _("the funder"),
    ObligationParty.REVIEWERS: _("the reviewers"),
}


@dataclass(frozen=True)
class ObligationRow:
    code: str
    text: dict[str, str]
    binds: tuple[str, ...]  # who it binds, in the active language

    @property
    def binds_label(self) -> str:
        return ", ".join(self.binds)


def call_obligations(call: Call) -> list[ObligationRow]:
    return [
        ObligationRow(o.code, o.text.as_dict(), tuple(str(PARTY_LABELS[p]) for p in o.binds))
        for o in current_definition(call).obligations
    ]


def obligation_breaches(application: Application) -> list[ObligationBreach]:
    return list(application.obligation_breaches.select_related("recorded_by").order_by("recorded_at", "pk"))
