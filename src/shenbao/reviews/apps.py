from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "shenbao.reviews"
    label = "reviews"
    verbose_name = _("Review")

    def ready(self) -> None:
        # Registers the permission predicates with the rules package.
        from shenbao.reviews import permissions, permissions_discussion  # noqa: F401
