"""Factories for tests (CONVENTIONS rule 8: factories, not JSON fixtures)."""

from __future__ import annotations

from typing import Any

import factory

from shenbao.accounts.models import Organisation, Person, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-123")

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: Any = None) -> None:
        if create:
            instance.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"测试人员{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: {"zh-hans": f"测试大学{n}", "en": f"Test University {n}"})
    type = "university"
    country = "CN"


def api_token_key(user: User, *, name: str = "tests", days: int = 30) -> str:
    """A fresh API token for ``user``; returns the key (only its digest is stored).  Made directly,
    not through ``create_api_token``, so tests that build many clients are not held to its limit."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from shenbao.accounts.models import ApiToken, token_digest

    key = "sb_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name, digest=token_digest(key), prefix=key[:8], expires_at=timezone.now() + dt.timedelta(days=days)
    )
    return key
