from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "shenbao.applications"
    label = "applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        # Registers the permission predicates with the rules package.
        from shenbao.applications import permissions  # noqa: F401
