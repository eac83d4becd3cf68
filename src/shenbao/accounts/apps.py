from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "shenbao.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        # Registers the permission predicates with the rules package.
        from shenbao.accounts import permissions  # noqa: F401
