from shenbao.reviews.models.assignment import Assignment, AssignmentRun, StageEntry
from shenbao.reviews.models.bid import Bid, BidKind
from shenbao.reviews.models.discussion import (
    DiscussionComment,
    InternalNote,
    PanelHead,
    PanelOpinion,
    PanelRecommendation,
)
from shenbao.reviews.models.job import AssignmentJob
from shenbao.reviews.models.pool import ConflictSource, DeclaredConflict, ExclusionRequest, PoolMember
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
    "AssignmentJob",
    "AssignmentRun",
    "Bid",
    "BidKind",
    "ConflictSource",
    "DeclaredConflict",
    "DiscussionComment",
    "DocumentAccess",
    "ExclusionRequest",
    "InternalNote",
    "PanelHead",
    "PanelOpinion",
    "PanelRecommendation",
    "PoolMember",
    "ResponseWindow",
    "Review",
    "ReviewRevision",
    "ShortlistSignOff",
    "StageEntry",
]
