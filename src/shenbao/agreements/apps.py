from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "shenbao.agreements"
    label = "agreements"
    verbose_name = _("Agreements")

    def ready(self) -> None:
        # Registers the permission predicates with the rules package.
        from shenbao.agreements import permissions  # noqa: F401
