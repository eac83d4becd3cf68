"""docs/workflows.md, generated from the declared transition tables (CONVENTIONS: workflows.md)."""

from __future__ import annotations

from shenbao.agreements.transitions import AGREEMENT_TRANSITIONS
from shenbao.applications.transitions import APPLICATION_TRANSITIONS
from shenbao.awards.transitions import AWARD_TRANSITIONS, OBJECTION_TRANSITIONS, RUN_TRANSITIONS
from shenbao.calls.transitions import CALL_TRANSITIONS
from shenbao.projects.transitions import PROJECT_TRANSITIONS
from shenbao.reviews.transitions import ASSIGNMENT_TRANSITIONS, ENTRY_TRANSITIONS, REVIEW_TRANSITIONS

TABLES: dict[str, dict[str, frozenset[str]]] = {
    "Call": CALL_TRANSITIONS,
    "Application": APPLICATION_TRANSITIONS,
    "Application in a review stage": ENTRY_TRANSITIONS,
    "Assignment": ASSIGNMENT_TRANSITIONS,
    "Review": REVIEW_TRANSITIONS,
    "Selection run": RUN_TRANSITIONS,
    "Award": AWARD_TRANSITIONS,
    "Objection": OBJECTION_TRANSITIONS,
    "Agreement": AGREEMENT_TRANSITIONS,
    "Project": PROJECT_TRANSITIONS,
}

# What happens inside a state that the diagram cannot show (kept short; the guides say more).
NOTES: dict[str, str] = {
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

Generated from the transition tables by `python manage.py write_workflows`; do not edit by hand.
Each lifecycle changes state through one service function that checks this table, saves the
state, writes an audit entry and queues notifications (CONVENTIONS rule 3).
"""


def workflows_markdown() -> str:
    parts = [HEADER]
    for name, table in TABLES.items():
        lines = [f"\n## {name}\n", "```mermaid", "stateDiagram-v2"]
        first = next(iter(table))
        lines.append(f"    [*] --> {first}")
        for source, targets in table.items():
            for target in sorted(targets):
                lines.append(f"    {source} --> {target}")
            if not targets:
                lines.append(f"    {source} --> [*]")
        lines.append("```")
        parts.append("\n".join(lines) + "\n")
        if name in NOTES:
            parts.append("\n" + NOTES[name])
    return "".join(parts)
