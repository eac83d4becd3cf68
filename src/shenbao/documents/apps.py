from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "shenbao.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from shenbao.documents import permissions  # noqa: F401 - registers the rules
