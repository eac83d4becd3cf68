from shenbao.applications.models.application import Application, ApplicationRevision, FormalCheckDecision, LateSubmissionToken
from shenbao.applications.models.bilateral import PartnerList
from shenbao.applications.models.endorsement import EndorsementDecision
from shenbao.applications.models.obligations import ObligationBreach
from shenbao.applications.models.parts import Attachment, Partner, TeamMember
from shenbao.applications.models.searches import SavedSearch

__all__ = [
    "Application",
    "ApplicationRevision",
    "Attachment",
    "EndorsementDecision",
    "FormalCheckDecision",
    "LateSubmissionToken",
    "ObligationBreach",
    "Partner",
    "PartnerList",
    "SavedSearch",
    "TeamMember",
]
