from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "shenbao.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        # Registers the permission predicates with the rules package.
        from shenbao.agreements import permissions  # noqa: F401
        from shenbao.agreements.services.agreements import provisional_years, recompute_provisional_deadlines
        from shenbao.core.queries.calendar import CALENDAR_LISTENERS, CALENDAR_NEEDS

        # Core never imports agreements: provisional deadlines tell the calendar admin which years
        # they wait for, and are computed again when one is entered.
        if provisional_years not in CALENDAR_NEEDS:
            CALENDAR_NEEDS.append(provisional_years)
            CALENDAR_LISTENERS.append(lambda year, actor: recompute_provisional_deadlines(year=year, actor=actor))
