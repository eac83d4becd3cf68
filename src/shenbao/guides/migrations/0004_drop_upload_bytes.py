from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("guides", "0003_queued_upload_in_storage")]

    operations = [migrations.RemoveField("guideimport", "upload_bytes")]
