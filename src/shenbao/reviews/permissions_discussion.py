"""Who reads and writes the discussion of an application, the panel opinion and staff's internal
notes (issue 20), asked as ``has_perm`` on a ``Thread`` (a stage and an application) or on an
application.

- Staff: the program's officers and committee chairs, and administrators.  Observers and judges are
  not staff here: they see none of it.
- Reviewers: only the application's active reviewers, and only as the stage's ``reviewer_discussion``
  says (never / after their own review is submitted / always).
- Panel heads (专家组组长) of the application's direction, category or stage, unless they declared a
  conflict with it: they read the discussion and write the panel opinion.
- Applicants never read the discussion or the notes; they read the panel opinion and the chair's
  statement only in their decision letter, where the stage allows it.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from shenbao.accounts.permissions import is_administrator
from shenbao.calls.definition.schema import Visibility
from shenbao.calls.enums import ProgramRoleKind
from shenbao.calls.queries.roles import has_program_role
from shenbao.reviews.queries.discussion import (
    active_assignment,
    discussion_visibility,
    has_panel_opinion,
    is_panel_head_of,
    own_review_submitted,
)


def _staff_of_program(user: Any, program_id: int | None) -> bool:
    return has_program_role(user, program_id, ProgramRoleKind.PROGRAM_OFFICER, ProgramRoleKind.COMMITTEE_CHAIR)


@predicate
def discussion_on(user: Any, thread: Any) -> bool:
    return thread is not None and discussion_visibility(thread.stage) != Visibility.NEVER


@predicate
def panel_opinion_on(user: Any, thread: Any) -> bool:
    return thread is not None and has_panel_opinion(thread.stage)


@predicate
def is_thread_staff(user: Any, thread: Any) -> bool:
    return thread is not None and _staff_of_program(user, thread.stage.call.program_id)


@predicate
def is_reviewer_in_time(user: Any, thread: Any) -> bool:
    """An active reviewer of the application whom the stage lets into the discussion now."""
    assignment = active_assignment(user, thread) if thread is not None else None
    if assignment is None:
        return False
    visibility = discussion_visibility(thread.stage)
    return visibility == Visibility.ALWAYS or (visibility == Visibility.AFTER_OWN and own_review_submitted(assignment))


@predicate
def is_reviewer_done(user: Any, thread: Any) -> bool:
    """An active reviewer of the application whose own review is submitted."""
    assignment = active_assignment(user, thread) if thread is not None else None
    return assignment is not None and own_review_submitted(assignment)


@predicate
def is_panel_head(user: Any, thread: Any) -> bool:
    return thread is not None and is_panel_head_of(user, thread)


@predicate
def is_application_staff(user: Any, application: Any) -> bool:
    return application is not None and _staff_of_program(user, application.call.program_id)


_staff = is_thread_staff | is_administrator
add_perm("reviews.view_discussion", discussion_on & (_staff | is_reviewer_in_time | is_panel_head))
add_perm("reviews.post_discussion", discussion_on & (_staff | is_reviewer_in_time | is_panel_head))
add_perm("reviews.write_panel_opinion", panel_opinion_on & is_panel_head)
add_perm("reviews.view_panel_opinion", panel_opinion_on & (_staff | is_panel_head | is_reviewer_done))
add_perm("reviews.view_internal_notes", is_application_staff | is_administrator)
add_perm("reviews.add_internal_note", is_application_staff | is_administrator)
