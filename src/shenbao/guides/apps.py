from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "shenbao.guides"
    label = "guides"
    verbose_name = _("Guide import")

    def ready(self) -> None:
        from shenbao.guides import permissions  # noqa: F401 - registers the rules
