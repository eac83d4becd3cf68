"""``log_action``: the one way to write an audit entry, and how entries read for humans."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.core.models import AuditEntry

#: Human-readable descriptions of action codes, in one place (pretix logging.rst).
ACTION_LABELS: dict[str, Any] = {
    "shenbao.call.created": _("The call was created from a definition."),
    "shenbao.call.definition_updated": _("The call definition was updated."),
    "shenbao.call.rule_defaults_changed": _("Staff replaced platform defaults with the program's own values."),
    "shenbao.call.status_changed": _("The call's status changed."),
    "shenbao.call.directions_imported": _("A direction list was imported."),
    "shenbao.call.partner_list_compared": _("The partner agency's list was compared with the applications."),
    "shenbao.mail.bulk_sent": _("Staff wrote a mail to a list; the mails are in the outbox."),
    "shenbao.call.partner_list_imported": _("The partner agency's list was imported and kept for the call."),
    "shenbao.application.team_removed": _("A team member was taken off the application."),
    "shenbao.application.partner_changed": _("A partner's details were changed."),
    "shenbao.program.created": _("The program was created."),
    "shenbao.program.updated": _("The program was updated."),
    "shenbao.organisation.created": _("The organisation was created."),
    "shenbao.user.created": _("The user account was created."),
    "shenbao.user.profile_updated": _("The profile was updated."),
    "shenbao.user.membership_added": _("An affiliation with an organisation was added."),
    "shenbao.user.award_added": _("A previous award was added to the profile."),
    "shenbao.user.api_token_created": _("An API token was created."),
    "shenbao.user.api_token_revoked": _("An API token was revoked."),
    "shenbao.program_role.granted": _("A program role was granted."),
    "shenbao.program_role.revoked": _("A program role was revoked."),
    "shenbao.application.filled_from_form": _("Fields of the draft were filled from an uploaded Word form."),
    "shenbao.application.imported": _("The application was imported from a table by staff."),
    "shenbao.application.obligation_breached": _("Staff recorded that an undertaking of the call was breached."),
    "shenbao.guide.imported": _("A guide document was imported."),
    "shenbao.guide.queued": _("A large guide document was queued to be read in the background."),
    "shenbao.guide.failed": _("A guide document could not be read in the background."),
    "shenbao.guide.draft_edited": _("The draft extracted from a guide was edited."),
    "shenbao.guide.saved_as_call": _("The draft extracted from a guide was saved as a draft call."),
    "shenbao.review.assignment_restored": _("A removed assignment was given to the expert again."),
    "shenbao.review.entry.advanced": _("The application advanced to the next stage."),
    "shenbao.review.entry.not_advanced": _("The application did not advance to the next stage."),
    "shenbao.review.entry.in_review": _("The application went back into review after an upheld reconsideration."),
    "shenbao.selection.award_withdrawn": _("An unpublished award was removed: its application was withdrawn."),
    "shenbao.calendar_year.saved": _("A year's holidays and make-up working days were entered."),
    "shenbao.agreement.opened": _("Agreements were opened for the call's awards."),
    "shenbao.agreement.confirmed": _("A party confirmed the agreement."),
    "shenbao.agreement.signed": _("The agreement signed by every party was filed."),
    "shenbao.agreement.forfeited": _("The agreement was forfeited: it was not signed by its last day."),
    "shenbao.agreement.reminder_sent": _("A reminder of the agreement's signing deadline was sent."),
    "shenbao.agreement.overdue": _("The agreement is overdue: unsigned after its last day, waiting for staff."),
    "shenbao.agreement.delay_cause_recorded": _("Staff recorded who caused the agreement's delay."),
    "shenbao.agreement.extended": _("The agreement's last day was extended."),
    "shenbao.agreement.pending": _("The agreement waits for signatures again."),
    "shenbao.agreement.declined": _("The PI declined the award."),
    "shenbao.agreement.template_uploaded": _("The call's agreement template was uploaded."),
    "shenbao.agreement.text_generated": _("The agreement's text was generated from the call's template."),
    "shenbao.agreement.deadline_recomputed": _("The agreement's provisional deadline was computed again."),
    "shenbao.award.published": _("The award was published."),
    "shenbao.award.final": _("The award became final."),
    "shenbao.award.revoked": _("The award was revoked."),
    "shenbao.award.offered_to_reserve": _("The award was offered to the next reserve."),
    "shenbao.selection.approved": _("The selection was approved."),
    "shenbao.selection.superseded": _("The selection was superseded by a newer approved one."),
    "shenbao.project.started": _("The project started."),
    "shenbao.project.reported": _("A project report was submitted."),
    "shenbao.project.output_added": _("An output of the project was registered."),
    "shenbao.project.completed": _("The project was closed on its final report."),
    "shenbao.project.terminated": _("The project was terminated."),
    "shenbao.project.milestone_added": _("A milestone was added to the project."),
    "shenbao.project_change.requested": _("The PI requested a change of the project."),
    "shenbao.project_change.approved": _("A change of the project was approved."),
    "shenbao.project_change.rejected": _("A change of the project was rejected."),
    "shenbao.project.extended": _("The project's end was extended."),
    "shenbao.project.pi_changed": _("The project's PI was changed."),
    "shenbao.project.institution_changed": _("The project's institution was changed."),
    "shenbao.project.amendment_generated": _("The change approval record (amendment) of an approved change was generated."),
    "shenbao.tranche.planned": _("A tranche of the grant was planned."),
    "shenbao.tranche.removed": _("A planned tranche was removed from the schedule."),
    "shenbao.tranche.due": _("A tranche of the grant became due."),
    "shenbao.tranche.approved": _("A tranche of the grant was approved for payment."),
    "shenbao.tranche.paid": _("The payment of a tranche was recorded."),
    "shenbao.tranche.withheld": _("A tranche of the grant was withheld."),
    "shenbao.report.expert_assigned": _("An expert was named to review a project report."),
    "shenbao.report.reviewed": _("An expert submitted a review of a project report."),
    "shenbao.report.experts_assigned": _("The assignment solver named experts to review a project report."),
    "shenbao.report.assignment_run": _("Experts were assigned to the call's reports awaiting review."),
    "shenbao.report.passed": _("A project report passed."),
    "shenbao.report.conditional": _("A project report passed with conditions."),
    "shenbao.report.failed": _("A project report failed."),
    "shenbao.project.milestone_removed": _("A milestone was removed from the project."),
    "shenbao.project.milestone_done": _("A milestone of the project was marked done."),
    "shenbao.saved_search.saved": _("A search of the staff list was saved."),
    "shenbao.saved_search.deleted": _("A saved search of the staff list was deleted."),
    "shenbao.mail_template.changed": _("Staff saved their own text of a mail template."),
    "shenbao.mail_template.reset": _("A mail template was reset to the text it inherits."),
    # Added with the staff audit pages (issue 16): the remaining action codes the services write.
    "shenbao.call.cloned": _("The call was created as a copy of another call, with its timeline shifted."),
    "shenbao.call.clone_made": _("A copy of the call was made as a new draft call."),
    "shenbao.call.late_token_issued": _("A late-submission extension was issued."),
    "shenbao.organisation.officer_appointed": _("An institution officer was appointed."),
    "shenbao.organisation.officer_revoked": _("An institution officer's appointment was revoked."),
    "shenbao.application.created": _("The application was started."),
    "shenbao.application.amended": _("The submitted application was amended."),
    "shenbao.application.attached": _("A document was attached."),
    "shenbao.application.attachment_removed": _("An attached document was removed."),
    "shenbao.application.link_added": _("A share link for a large document was added."),
    "shenbao.application.late_refused": _("A submission after the deadline was refused."),
    "shenbao.application.partner_added": _("A partner was added."),
    "shenbao.application.partner_removed": _("A partner was removed."),
    "shenbao.application.team_invited": _("A team member was invited."),
    "shenbao.application.team_accepted": _("A team member accepted the invitation."),
    "shenbao.application.team_declined": _("A team member declined the invitation."),
    "shenbao.application.exclusion_requested": _("The applicant asked that an expert not review the application."),
    "shenbao.application.exclusion_withdrawn": _("The applicant withdrew a request to exclude an expert."),
    "shenbao.application.reconsideration_requested": _("The applicant asked for a reconsideration."),
    "shenbao.application.reconsideration_decided": _("The reconsideration was decided."),
    "shenbao.review.reviewer_invited": _("An expert was invited to the reviewer pool."),
    "shenbao.review.invitation_accepted": _("An expert accepted the invitation to review."),
    "shenbao.review.invitation_declined": _("An expert declined the invitation to review."),
    "shenbao.review.reviewer_removed": _("An expert was taken out of the reviewer pool."),
    "shenbao.review.pool_member_changed": _("An expert's load limit, availability or collaborators changed."),
    "shenbao.review.stage_opened": _("A review stage was opened."),
    "shenbao.review.assigned": _("Reviewers were assigned."),
    "shenbao.review.assigned_manually": _("A reviewer was assigned by hand."),
    "shenbao.review.assignment_removed": _("An assignment was removed."),
    "shenbao.review.assignment_withdrawn_for_conflict": _("An assignment was withdrawn for a conflict of interest."),
    "shenbao.review.conflict_declared": _("A reviewer declared a conflict of interest."),
    "shenbao.review.lock_changed": _("An assignment was locked or unlocked."),
    "shenbao.review.submitted": _("A review was submitted."),
    "shenbao.review.reminder_sent": _("A reminder to review was sent."),
    "shenbao.review.shortlist_signed": _("The shortlist was signed off."),
    "shenbao.review.discussion_commented": _("A comment was posted in the review discussion."),
    "shenbao.application.internal_note_added": _("Staff added an internal note."),
    "shenbao.review.panel_head_appointed": _("A panel head was appointed."),
    "shenbao.review.panel_head_removed": _("A panel head was removed."),
    "shenbao.review.panel_opinion_written": _("The panel head wrote the panel opinion."),
    "shenbao.review.stage_advanced": _("Applications advanced to the next stage."),
    "shenbao.review.presentation_ordered": _("The order of the presentations was set."),
    "shenbao.review.score_revealed": _("A score was revealed at the live judging."),
    "shenbao.review.response_window_opened": _("Staff opened the window for the applicants' responses to the reviews."),
    "shenbao.application.response_submitted": _("The applicant answered the reviews."),
    "shenbao.application.response_changed": _("The applicant changed the answer to the reviews."),
    "shenbao.review.revised": _("A reviewer revised a submitted review after the applicant's response; the earlier one is kept."),
    "shenbao.selection.run": _("A selection was run."),
    "shenbao.results.published": _("The results were published."),
    "shenbao.results.final": _("The results became final."),
    "shenbao.results.objection_filed": _("An objection to the results was filed."),
    "shenbao.results.objection_decided": _("An objection to the results was decided."),
}


def log_action(
    *,
    action: str,
    obj: models.Model,
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``obj``.  Call it inside the service's transaction."""
    if not action.startswith("shenbao.") or action.count(".") < 2:
        raise ValueError(f"action codes are dotted and start with 'shenbao.': {action!r}")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        data=data or {},
    )


def describe(entry: AuditEntry) -> str:
    """The entry as a sentence in the active language."""
    label = ACTION_LABELS.get(entry.action)
    if label is not None:
        return str(label)
    lifecycle, state = _lifecycle_of(entry.action)
    if lifecycle is not None:
        return str(_("The status became “%(state)s”.")) % {"state": lifecycle.label(state)}
    return entry.action


def _lifecycle_of(action: str) -> tuple[Any, str]:
    """The declared lifecycle whose entries are ``<prefix>.<state>`` and the state, for ``action``."""
    from shenbao.core.lifecycle import REGISTRY

    prefix, _dot, state = action.rpartition(".")
    for lifecycle in REGISTRY.values():
        if lifecycle.action_prefix == prefix and state in lifecycle.table:
            return lifecycle, state
    return None, ""


def describe_change(entry: AuditEntry) -> str:
    """ "Draft → Published" for an entry that records a change of state, "" otherwise."""
    data = entry.data or {}
    before, after = data.get("from"), data.get("to")
    if not isinstance(before, str) or not isinstance(after, str):
        return ""
    from shenbao.core.lifecycle import REGISTRY

    lifecycle, _state = _lifecycle_of(entry.action)
    if lifecycle is None:  # e.g. "shenbao.call.status_changed": the lifecycle named like the model
        lifecycle = REGISTRY.get(ContentType.objects.get_for_id(entry.content_type_id).model)
    if lifecycle is None:
        lifecycle = next((lc for lc in REGISTRY.values() if before in lc.table and after in lc.table), None)
    if lifecycle is None:
        return f"{before} → {after}"
    return f"{lifecycle.label(before)} → {lifecycle.label(after)}"
