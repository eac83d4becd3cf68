"""States and kinds of the applications app (DESIGN §4)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ENDORSED = "endorsed", _("Endorsed by the institution")
    RETURNED = "returned", _("Returned for correction")
    CHECK_PASSED = "check_passed", _("Formal check passed")
    CHECK_FAILED = "check_failed", _("Formal check failed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PartnerSide(models.TextChoices):
    CHINESE = "chinese", _("Chinese side")
    FOREIGN = "foreign", _("Foreign side")


class FormalCheckOutcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    RETURN = "return", _("Return for correction")


class EndorsementOutcome(models.TextChoices):
    """The institution's answer (依托单位审核): endorse, or return to the applicant with a reason."""

    ENDORSE = "endorse", _("Endorsed")
    RETURN = "return", _("Returned by the institution")
