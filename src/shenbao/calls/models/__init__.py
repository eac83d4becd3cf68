from shenbao.calls.models.call import Call, CallDefinitionVersion, TimelineItem
from shenbao.calls.models.direction import Direction, DirectionCategory
from shenbao.calls.models.parts import (
    EligibilityCriterion,
    FormField,
    KpiTemplate,
    RequiredDocument,
    ReviewCriterion,
    ReviewStage,
)
from shenbao.calls.models.program import Program, ProgramRole

__all__ = [
    "Call",
    "CallDefinitionVersion",
    "Direction",
    "DirectionCategory",
    "EligibilityCriterion",
    "FormField",
    "KpiTemplate",
    "Program",
    "ProgramRole",
    "RequiredDocument",
    "ReviewCriterion",
    "ReviewStage",
    "TimelineItem",
]
