from shenbao.reviews.models.assignment import Assignment, AssignmentRun, StageEntry
from shenbao.reviews.models.pool import DeclaredConflict, ExclusionRequest, PoolMember
from shenbao.reviews.models.reading import DocumentAccess
from shenbao.reviews.models.response import (
    ApplicantResponse,
    ApplicantResponseRevision,
    ResponseWindow,
    ReviewRevision,
)
from shenbao.reviews.models.review import Review, ShortlistSignOff

__all__ = [
    "ApplicantResponse",
    "ApplicantResponseRevision",
    "Assignment",
    "AssignmentRun",
    "DeclaredConflict",
    "DocumentAccess",
    "ExclusionRequest",
    "PoolMember",
    "ResponseWindow",
    "Review",
    "ReviewRevision",
    "ShortlistSignOff",
    "StageEntry",
]
