from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for signatures")
    OVERDUE = "overdue", _("Overdue: waiting for staff")
    SIGNED = "signed", _("Signed")
    FORFEITED = "forfeited", _("Forfeited")
    DECLINED = "declined", _("Declined by the PI")


class DelayCause(models.TextChoices):
    """Whose fault an overdue agreement is: seed 000 forfeits only for the first two."""

    GRANTEE = "grantee", _("The grantee")
    INSTITUTION = "institution", _("The grantee's institution")
    FUNDER = "funder", _("The funder")
    OTHER = "other", _("Other")


#: Causes for which staff may forfeit; the others call for an extension.
FORFEIT_CAUSES = frozenset({DelayCause.GRANTEE, DelayCause.INSTITUTION})
