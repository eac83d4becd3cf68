"""Translated labels for the account enums, as Django choices."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.enums import EmploymentType, MembershipRole, OrgType, Position
from shenbao.core.choices import choices

__all__ = ["EMPLOYMENT_LABELS", "MEMBERSHIP_ROLE_LABELS", "ORG_TYPE_LABELS", "POSITION_LABELS", "choices"]

ORG_TYPE_LABELS: dict[OrgType, Promise] = {
    OrgType.UNIVERSITY: _("University"),
    OrgType.RESEARCH_INSTITUTE: _("Research institute"),
    OrgType.ENTERPRISE: _("Enterprise"),
    OrgType.GOVERNMENT_BODY: _("Government body"),
    OrgType.FOREIGN_ORGANISATION: _("Foreign organisation"),
    OrgType.PARK: _("Science or industrial park"),
    OrgType.MEDIA: _("Media"),
    OrgType.PUBLIC_SERVICE: _("Public service body"),
    OrgType.SOCIAL_ORGANISATION: _("Social organisation"),
    OrgType.OTHER: _("Other"),
}
POSITION_LABELS: dict[Position, Promise] = {
    Position.FACULTY: _("Faculty member"),
    Position.RESEARCHER: _("Researcher"),
    Position.POSTDOC: _("Postdoctoral researcher"),
    Position.STUDENT: _("Student"),
    Position.ENGINEER: _("Engineer"),
    Position.MANAGER: _("Manager"),
    Position.OTHER: _("Other"),
}
EMPLOYMENT_LABELS: dict[EmploymentType, Promise] = {
    EmploymentType.FULL_TIME: _("Full-time"),
    EmploymentType.PART_TIME: _("Part-time"),
    EmploymentType.CONTRACT: _("Fixed-term contract"),
    EmploymentType.RETIRED: _("Retired"),
    EmploymentType.NONE: _("Not employed"),
}
MEMBERSHIP_ROLE_LABELS: dict[MembershipRole, Promise] = {
    MembershipRole.MEMBER: _("Member"),
    MembershipRole.OFFICER: _("Institution officer"),
}
