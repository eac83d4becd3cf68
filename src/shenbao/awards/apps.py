from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "shenbao.awards"
    label = "awards"
    verbose_name = _("Awards")

    def ready(self) -> None:
        # Registers the permission predicates with the rules package.
        from shenbao.awards import permissions  # noqa: F401
