"""The overseas-employment answer becomes tri-state: yes, no, or not answered (None).

Until now the field defaulted to "no", so a stored "no" cannot be told from "never answered".
Kept as they are: every "yes", and a "no" the person chose by changing the answer (the profile
audit log names ``overseas_employment`` among the changed fields).  Every other "no" becomes
"not answered": the seed 000 rule must not pass on a default, and answering once more costs
the applicant one click, whereas a wrong pass lets an ineligible application through.
"""

from typing import Any

from django.db import migrations, models


def unanswered_unless_chosen(apps: Any, schema_editor: Any) -> None:
    Person = apps.get_model("accounts", "Person")
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    chosen: set[str] = set()
    user_type = ContentType.objects.filter(app_label="accounts", model="user").first()
    if user_type is not None:
        entries = AuditEntry.objects.filter(content_type=user_type, action="shenbao.user.profile_updated")
        for object_id, data in entries.values_list("object_id", "data").iterator():
            if "overseas_employment" in (data or {}).get("fields", []):
                chosen.add(object_id)
    for person in Person.objects.filter(overseas_employment=False).only("pk", "user_id").iterator():
        if str(person.user_id) not in chosen:
            Person.objects.filter(pk=person.pk).update(overseas_employment=None)


def back_to_no(apps: Any, schema_editor: Any) -> None:
    apps.get_model("accounts", "Person").objects.filter(overseas_employment__isnull=True).update(overseas_employment=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_work_calendar_year"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="overseas_employment",
            field=models.BooleanField(
                blank=True,
                default=None,
                help_text="Declare any formal employment relationship with an organisation outside China.",
                null=True,
                verbose_name="formally employed by an overseas organisation",
            ),
        ),
        migrations.RunPython(unanswered_unless_chosen, back_to_no),
    ]
