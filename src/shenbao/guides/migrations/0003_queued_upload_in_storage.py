"""Queued guide uploads move from a database column to storage (local disk or the object store), so a
worker on another machine reads them; uploads still queued at the upgrade are moved over (the old column goes in the next migration, its own
transaction: PostgreSQL refuses to alter a table with row changes pending in the same one)."""

from django.core.files.base import ContentFile
from django.db import migrations, models

import shenbao.guides.models


def move_queued_bytes(apps, schema_editor):  # type: ignore[no-untyped-def]
    GuideImport = apps.get_model("guides", "GuideImport")
    for guide in GuideImport.objects.exclude(upload_bytes=None).iterator():
        guide.upload.save("upload", ContentFile(bytes(guide.upload_bytes)), save=False)
        guide.upload_bytes = None
        guide.save(update_fields=["upload", "upload_bytes"])


class Migration(migrations.Migration):
    dependencies = [("guides", "0002_background_import")]

    operations = [
        migrations.RenameField("guideimport", "upload", "upload_bytes"),
        migrations.AddField(
            model_name="guideimport",
            name="upload",
            field=models.FileField(
                blank=True, editable=False, max_length=300, upload_to=shenbao.guides.models.queued_upload_path
            ),
        ),
        migrations.RunPython(move_queued_bytes, migrations.RunPython.noop),
    ]
