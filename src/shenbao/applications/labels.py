"""Display names for what the bilateral comparison reports (web page, export and API alike)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: bilateral.MATCH_FIELDS, named for people.
MISMATCH_LABELS: dict[str, Promise] = {
    "english_title": _("English title"),
    "title": _("Project name"),
    "field": _("Field"),
    "partner_organisations": _("Partner organisations"),
    "pi": _("Principal investigator"),
    "duration": _("Duration (months)"),
    "lead_organisation": _("Lead organisation"),
}

#: How one application (or partner row) came out of the comparison.
MATCH_STATUS_LABELS: dict[str, Promise] = {
    "matched": _("Matches the partner's row"),
    "differs": _("Differs from the partner's row"),
    "missing": _("No counterpart in the partner's list"),
    "unclaimed": _("Partner row without a Chinese-side application"),
}


def match_status(entry: dict[str, object]) -> str:
    """``matched``, ``differs`` or ``missing`` for one application of a stored report."""
    if not entry.get("found"):
        return "missing"
    return "differs" if entry.get("fields") else "matched"
