"""Review errors with translated messages (services raise them, interfaces show them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shenbao.core.errors import DomainError


class TooManyExclusions(DomainError):
    code = "too_many_exclusions"

    def __init__(self, limit: int) -> None:
        super().__init__(
            _("This call lets an applicant exclude at most %(limit)s experts; remove one first."), params={"limit": limit}
        )


class ExclusionsNotAllowed(DomainError):
    code = "exclusions_not_allowed"

    def __init__(self) -> None:
        super().__init__(_("Applicants cannot exclude experts in this call."))


class InvitationNotForYou(DomainError):
    code = "invitation_not_for_you"

    def __init__(self, email: str) -> None:
        super().__init__(_("This invitation is for %(email)s; log in with that account to answer."), params={"email": email})


class AlreadyAnswered(DomainError):
    code = "already_answered"

    def __init__(self) -> None:
        super().__init__(_("This invitation has already been answered."))


class ReviewClosed(DomainError):
    code = "review_closed"

    def __init__(self) -> None:
        super().__init__(_("This review is submitted and can no longer be changed."))


class ReviewConflict(DomainError):
    code = "edit_conflict"

    def __init__(self) -> None:
        super().__init__(_("This review was changed in another window meanwhile; reload it and apply your change again."))


class ScoresInvalid(DomainError):
    code = "scores_invalid"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(_("Some scores cannot be accepted: %(problems)s"), params={"problems": " ".join(problems)})
        self.problems = problems


class StageNotReady(DomainError):
    code = "stage_not_ready"


class ReviewerHasAssignments(DomainError):
    code = "reviewer_has_assignments"

    def __init__(self) -> None:
        super().__init__(_("This expert has assignments in the call and stays in the pool; mark them unavailable instead."))


class NotInPool(DomainError):
    code = "not_in_pool"

    def __init__(self) -> None:
        super().__init__(_("Only experts who accepted the invitation to this call's pool can bid on its applications."))


class BidNeedsReason(DomainError):
    code = "bid_needs_reason"

    def __init__(self) -> None:
        super().__init__(_("Say why you have a conflict of interest with this application."))


class UnknownBid(DomainError):
    code = "unknown_bid"

    def __init__(self) -> None:
        super().__init__(_("Choose eager, willing, not willing or conflict of interest."))


class BadBidWeight(DomainError):
    code = "bad_bid_weight"

    def __init__(self) -> None:
        super().__init__(_("The weight of the bids is a number from 0 to 5."))


class ResponseNotEnabled(DomainError):
    code = "response_not_enabled"

    def __init__(self) -> None:
        super().__init__(_("This stage does not let applicants answer the reviews."))


class ResponseWindowAlreadyOpen(DomainError):
    code = "response_window_open"

    def __init__(self) -> None:
        super().__init__(_("The window for the applicants' responses of this stage was already opened."))


class ResponseNothingToAnswer(DomainError):
    code = "response_nothing_to_answer"

    def __init__(self) -> None:
        super().__init__(_("No application in this stage has a submitted review yet: there is nothing to answer."))


class ResponseDeadlinePassed(DomainError):
    code = "response_deadline_passed"

    def __init__(self, when: str) -> None:
        super().__init__(
            _("The stage's response deadline (%(when)s) has passed; change it in the call definition first."),
            params={"when": when},
        )


class ResponseWindowClosed(DomainError):
    code = "response_window_closed"

    def __init__(self, when: str) -> None:
        super().__init__(
            _("The time to answer the reviews ended at %(when)s; your answer was not saved."),
            params={"when": when},
        )


class ResponseNotInvited(DomainError):
    code = "response_not_invited"

    def __init__(self) -> None:
        super().__init__(_("This application is not among those invited to answer the reviews of this stage."))


class ResponseEmpty(DomainError):
    code = "response_empty"

    def __init__(self) -> None:
        super().__init__(_("Write your answer before submitting it."))


class ResponseTooLong(DomainError):
    code = "response_too_long"

    def __init__(self, limit: int, length: int) -> None:
        super().__init__(
            _("Your answer has %(length)s characters; this stage allows at most %(limit)s. Shorten it and submit it again."),
            params={"length": length, "limit": limit},
        )


class RevisionNotOpen(DomainError):
    code = "revision_not_open"

    def __init__(self) -> None:
        super().__init__(_("A submitted review can be revised only after the applicant has answered it, where the stage allows."))


class RevisionOfDraft(DomainError):
    code = "revision_of_draft"

    def __init__(self) -> None:
        super().__init__(_("This review is not submitted yet: change the draft instead."))
