"""Accounts made before e-mail confirmation became mandatory keep logging in (migration 0003)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_overseas_employment_unanswered"), ("account", "0009_emailaddress_unique_primary_email")]
AFTER = [("accounts", "0003_existing_addresses_verified")]


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_are_marked_confirmed_and_primary() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    old = User.objects.create(email="old@example.com", password="!")
    kept = User.objects.create(email="kept@example.com", password="!")
    EmailAddress.objects.create(user=kept, email="kept@example.com", verified=False, primary=True)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    EmailAddress = apps.get_model("account", "EmailAddress")
    rows = sorted(EmailAddress.objects.values_list("user_id", "email", "verified", "primary"))
    # An address already recorded (e.g. a sign-up waiting for its link) is left as it is.
    assert rows == [(old.pk, "old@example.com", True, True), (kept.pk, "kept@example.com", False, True)]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
