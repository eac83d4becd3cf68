from shenbao.applications.models.application import Application, ApplicationRevision, FormalCheckDecision, LateSubmissionToken
from shenbao.applications.models.bilateral import PartnerList
from shenbao.applications.models.obligations import ObligationBreach
from shenbao.applications.models.parts import Attachment, Partner, TeamMember

__all__ = [
    "Application",
    "ApplicationRevision",
    "Attachment",
    "FormalCheckDecision",
    "LateSubmissionToken",
    "ObligationBreach",
    "Partner",
    "PartnerList",
    "TeamMember",
]
