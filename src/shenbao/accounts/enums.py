"""Kinds of organisations, positions and employment, as plain enums (no Django imports).

The call-definition schema uses the same values in its rules, so they live here,
below both; the translated labels are in ``labels.py``.
"""

from enum import StrEnum


class OrgType(StrEnum):
    UNIVERSITY = "university"
    RESEARCH_INSTITUTE = "research_institute"
    ENTERPRISE = "enterprise"
    GOVERNMENT_BODY = "government_body"
    FOREIGN_ORGANISATION = "foreign_organisation"
    PARK = "park"
    MEDIA = "media"
    PUBLIC_SERVICE = "public_service"
    SOCIAL_ORGANISATION = "social_organisation"
    OTHER = "other"


class Position(StrEnum):
    FACULTY = "faculty"
    RESEARCHER = "researcher"
    POSTDOC = "postdoc"
    STUDENT = "student"
    ENGINEER = "engineer"
    MANAGER = "manager"
    OTHER = "other"


class EmploymentType(StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACT = "contract"
    RETIRED = "retired"
    NONE = "none"


class MembershipRole(StrEnum):
    MEMBER = "member"
    OFFICER = "officer"  # 依托单位管理员: endorses applications, signs agreements
