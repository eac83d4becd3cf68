"""docs/workflows.md, generated from the declared transition tables (CONVENTIONS: workflows.md)."""

from __future__ import annotations

from shenbao.core.lifecycle import REGISTRY, Lifecycle


def _load_tables() -> None:
    """Import every ``<app>/transitions.py`` so each lifecycle is in ``REGISTRY``."""
    import shenbao.agreements.transitions
    import shenbao.applications.transitions
    import shenbao.awards.transitions
    import shenbao.calls.transitions
    import shenbao.documents.transitions
    import shenbao.guides.transitions
    import shenbao.notifications.transitions
    import shenbao.projects.transitions
    import shenbao.reviews.transitions  # noqa: F401


#: Headings in the order of the life of a call; a lifecycle not named here follows, by name.
TITLES: dict[str, str] = {
    "call": "Call",
    "guide_import": "Guide import",
    "application": "Application",
    "team_invitation": "Team invitation",
    "pool_invitation": "Reviewer pool invitation",
    "stage_entry": "Application in a review stage",
    "assignment": "Assignment",
    "assignment_job": "Assignment run in the background",
    "review": "Review",
    "selection_run": "Selection run",
    "selection_job": "Selection run in the background",
    "award": "Award",
    "public_notice": "Public notice",
    "objection": "Objection",
    "reconsideration": "Reconsideration",
    "agreement": "Agreement",
    "project": "Project",
    "report": "Project report (mid-term, final)",
    "tranche": "Tranche of the grant",
    "project_change": "Project change (项目变更)",
    "message": "Mail in the outbox",
    "file_job": "File prepared in the background",
}


def lifecycles() -> list[Lifecycle]:
    _load_tables()
    order = list(TITLES)
    return sorted(REGISTRY.values(), key=lambda lc: (order.index(lc.name) if lc.name in order else len(order), lc.name))


# What happens inside a state that the diagram cannot show (kept short; the guides say more).
NOTES: dict[str, str] = {
    "Call": (
        "A published call takes no applications until it is open: `open_due_calls` (every few minutes) opens it\n"
        "when its opening time comes. Whether an applicant may start or submit is `submission_window` (open\n"
        "before the deadline, late with a token, closed otherwise); review and selection wait until the deadline\n"
        "has passed or staff have closed the call (`calls/queries/readiness.py`).\n"
    ),
    "Tranche of the grant": (
        "Planned until its condition is met: on signing at once, on a date by `update_tranches` (daily), on the\n"
        "mid-term or final report by the report's decision. A failed report, or one past due without the report\n"
        "(`update_tranches`), withholds it with the reason; passing the report makes it due again. Staff approve a\n"
        "due tranche and record the payment (amount, day, reference, and its split across the approved budget's\n"
        "categories: proposed in proportion to what each category has left of its approved grant, the rounding's\n"
        "rest on the largest; the shares add up to the payment and no category gets more than its approved grant\n"
        "minus what was paid).\n"
    ),
    "Project change (项目变更)": (
        "Approving a change applies it: an extension moves the end and the final report; a reallocation replaces\n"
        "the approved budget; a change of PI makes the named account the application's applicant (the PI every\n"
        "permission asks about: the new PI gets the project, the old one loses it); a change of institution makes\n"
        "the named organisation the lead organisation (the agreement's institution party). Staff may name another\n"
        "account or institution when approving; both are checked again then.\n"
        "\n"
        "Every change that takes effect (approved by staff, or at once under `reallocation_without_approval_percent`)\n"
        "gets its change approval record (变更批复, `projects.services.amendments`): a .docx in Chinese, as the\n"
        "agreement text is, numbered 1, 2, 3 … per agreement, with the receipt number and project title, the SHA-256\n"
        "of the agreement text it amends, the kind, a before-and-after table (PI name and e-mail; institution;\n"
        "approved grant per category with the total; end date), the PI's reason, the decision and note, who\n"
        "decided (or that the call's terms let it take effect) and when in Beijing time. It is stored like the\n"
        "agreement text, its SHA-256 kept on the `Amendment` row, and audited (`shenbao.project.amendment_generated`).\n"
        "The agreement's text stays as confirmed; the amendments are what documents the change. Whoever may see the\n"
        "agreement (`agreements.view_agreement`: the current PI, the current institution's officers, the program's\n"
        "staff) lists them on the agreement and project pages and downloads them (`/agreements/<id>/amendments/<n>/`;\n"
        "`GET /api/v1/projects/<id>/amendments/` and `…/amendments/<n>.docx`; a signed redirect where downloads are\n"
        "served by the object store). A rejected or refused change gets none; the old PI loses access with the project.\n"
    ),
    "Project report (mid-term, final)": (
        "Submitted by the PI; staff name experts of the call's pool (回避 checked), each submits a score and an\n"
        "opinion; once all have, staff decide. A passed final report completes the project (结题). Where the call's\n"
        "`report_reviews` give `due_days`, each review is due at the end of the day that many days after the naming\n"
        "(the call's time zone, `ReportReview.due_at`); `send_review_reminders` (daily) reminds the expert from three\n"
        "days before and while overdue, once a day at most (`reminded_on`).\n"
    ),
    "Agreement": (
        "While pending, `send_agreement_reminders` (daily) reminds the PI, and the lead institution's officers\n"
        "until the institution has confirmed, when the call's reminder window opens (`agreement.reminder_working_days`\n"
        "working days left, 5 by default, on the Chinese official calendar) and again on the last day; at most\n"
        "once a day per agreement (`reminded_on`). The term counts from the publication of the results (a reserve's\n"
        "from the day of the offer); over a year the calendar lacks it is provisional and computed again, never\n"
        "earlier, when the year is entered. `forfeit_overdue_agreements` (daily) makes it overdue the day after its\n"
        "last day, or forfeits it where the call's terms say `forfeit_automatically`. Staff record the cause of an\n"
        "overdue agreement: forfeited for the grantee or its institution, extended (back to pending) otherwise.\n"
        "The PI may decline the award while pending or overdue. Forfeited or declined, the award is revoked and the\n"
        "next reserve offered where the call says `offer_to_reserve`.\n"
    ),
    "Project": (
        "While active, a project has milestones: the mid-term and final reports (done when the PI submits the\n"
        "report) and custom ones that staff add and remove (not once done), which the PI or staff mark done\n"
        "with a day (not in the future, not before the start) and what was delivered. A milestone not done\n"
        "by its due day is overdue. Nothing changes once the project is completed or terminated.\n"
    ),
}

HEADER = """# Workflows

Generated from the declared lifecycles (`shenbao.core.lifecycle.REGISTRY`) by
`python manage.py write_workflows`; do not edit by hand. Every state change goes through
`shenbao.core.lifecycle.transition`, which checks the table, saves the state and writes an audit
entry; a test fails on any state
assigned outside it (tests/core/test_lifecycles.py).
"""


def workflows_markdown() -> str:
    parts = [HEADER]
    for lifecycle in lifecycles():
        title = TITLES.get(lifecycle.name, lifecycle.name.replace("_", " ").capitalize())
        lines = [f"\n## {title}\n", "```mermaid", "stateDiagram-v2"]
        lines.extend(f"    [*] --> {state}" for state in sorted(lifecycle.initial))
        for source, targets in lifecycle.table.items():
            for target in sorted(targets):
                lines.append(f"    {source} --> {target}")
            if not targets:
                lines.append(f"    {source} --> [*]")
        lines.append("```")
        parts.append("\n".join(lines) + "\n")
        if title in NOTES:
            parts.append("\n" + NOTES[title])
    return "".join(parts)
