"""The person profile an applicant, team member or reviewer keeps across calls."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shenbao.accounts.enums import EmploymentType, Position
from shenbao.accounts.labels import EMPLOYMENT_LABELS, POSITION_LABELS, choices
from shenbao.accounts.validators import validate_time_zone


class Person(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=150, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=20, choices=choices(POSITION_LABELS), default=Position.OTHER.value)
    title = models.CharField(
        _("professional title"), max_length=100, blank=True, help_text=_("For example: associate professor.")
    )
    employment_type = models.CharField(
        _("employment type"), max_length=20, choices=choices(EMPLOYMENT_LABELS), default=EmploymentType.FULL_TIME.value
    )
    in_station_postdoc = models.BooleanField(_("in-station postdoc"), default=False)
    # None until the person answers: a rule such as seed 000's "no formal employment abroad" must
    # not pass for someone who never said.
    overseas_employment = models.BooleanField(
        _("formally employed by an overseas organisation"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Declare any formal employment relationship with an organisation outside China."),
    )
    overseas_employment_details = models.CharField(_("overseas employment details"), max_length=300, blank=True)
    expertise_keywords = models.JSONField(_("expertise keywords"), default=list, blank=True)
    expertise_text = models.TextField(_("expertise"), blank=True)
    # Where the person is: deadlines are shown in Beijing time and, when this is set, in their own.
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Deadlines are shown in Beijing time and in this time zone."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class PreviousAward(models.Model):
    """A program award the person already holds, e.g. "Xiaomi Young Scholar" (seed 000)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="awards", verbose_name=_("person"))
    code = models.SlugField(_("award code"), max_length=64, help_text=_("For example: xiaomi_young_scholar."))
    name = models.CharField(_("award"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        verbose_name = _("previous award")
        verbose_name_plural = _("previous awards")
        constraints = [models.UniqueConstraint(fields=["person", "code", "year"], name="accounts_award_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})" if self.year else self.name
