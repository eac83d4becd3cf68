from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "shenbao.calls"
    label = "calls"
    verbose_name = _("Programs and calls")

    def ready(self) -> None:
        # Registers the permission predicates with the rules package.
        from shenbao.calls import permissions  # noqa: F401
