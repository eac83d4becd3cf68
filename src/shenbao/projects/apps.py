from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "shenbao.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # Registers the permission predicates with the rules package.
        from shenbao.projects import permissions  # noqa: F401
