"""Existing DRF tokens (plaintext keys in authtoken_token) become ApiTokens stored as digests; the
plaintext rows are then deleted.  Holders keep using the same key."""

import datetime as dt
import hashlib

from django.db import migrations
from django.utils import timezone

#: Migrated keys were made without an expiry: they get the default lifetime from today.
MIGRATED_LIFETIME = dt.timedelta(days=365)


def hash_keys(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    expires = timezone.now() + MIGRATED_LIFETIME
    for old in Token.objects.all().iterator():
        digest = hashlib.sha256(old.key.encode("utf-8")).hexdigest()
        if not ApiToken.objects.filter(digest=digest).exists():
            made = ApiToken.objects.create(
                user_id=old.user_id, name="API token", digest=digest, prefix=old.key[:8], expires_at=expires
            )
            ApiToken.objects.filter(pk=made.pk).update(created_at=old.created)
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(hash_keys, migrations.RunPython.noop)]
