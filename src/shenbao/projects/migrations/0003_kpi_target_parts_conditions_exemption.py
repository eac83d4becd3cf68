"""KPI targets keep how the call splits them (each side, each country), their conditions and exemption.

Targets stored before this read their template's definition back from the call (``calls.KpiTemplate.data``):
a split target gets its parts (the template's countries, else China and the application's foreign partner
countries), and the exemption is decided from the application's answer. Reports already stored keep their
numbers: a split target reported as one total reads as "reported as a total" rather than as met.
"""

from typing import Any

from django.db import migrations, models


def _backfill(apps: Any, schema_editor: Any) -> None:
    KpiTarget = apps.get_model("projects", "KpiTarget")
    KpiTemplate = apps.get_model("calls", "KpiTemplate")
    Partner = apps.get_model("applications", "Partner")
    targets = KpiTarget.objects.select_related("project__agreement__award__application")
    for target in targets.iterator(chunk_size=500):
        application = target.project.agreement.award.application
        template = KpiTemplate.objects.filter(call_id=application.call_id, code=target.code).first()
        data = template.data if template is not None else {}
        per = data.get("per") or "project"
        if per == "each_side":
            parts = ["chinese", "foreign"]
        elif per == "each_country":
            countries = list(data.get("countries") or [])
            if not countries:
                foreign = Partner.objects.filter(application=application, side="foreign").exclude(country="CN")
                countries = ["CN", *sorted(set(foreign.values_list("country", flat=True)) - {""})]
            parts = countries
        else:
            parts = []
        exempt_when = data.get("exempt_when") or {}
        answer = (application.values or {}).get(exempt_when.get("field", ""))
        answers = set(answer) if isinstance(answer, list) else {answer}
        target.per = per
        target.parts = parts
        target.conditions = data.get("conditions") or {}
        target.exemption = data.get("exemption") or {}
        target.exempt = bool(exempt_when) and bool(answers & set(exempt_when.get("values") or []))
        target.save(update_fields=["per", "parts", "conditions", "exemption", "exempt"])


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0002_milestone_kinds_notes'),
        ('calls', '0001_initial'),
        ('applications', '0003_fewer_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='kpitarget',
            name='conditions',
            field=models.JSONField(blank=True, default=dict, verbose_name='conditions'),
        ),
        migrations.AddField(
            model_name='kpitarget',
            name='exempt',
            field=models.BooleanField(default=False, verbose_name='exempt'),
        ),
        migrations.AddField(
            model_name='kpitarget',
            name='exemption',
            field=models.JSONField(blank=True, default=dict, verbose_name='exemption'),
        ),
        migrations.AddField(
            model_name='kpitarget',
            name='parts',
            field=models.JSONField(blank=True, default=list, verbose_name='parts'),
        ),
        migrations.AddField(
            model_name='kpitarget',
            name='per',
            field=models.CharField(choices=[('project', 'The project as a whole'), ('each_side', 'Each side'), ('each_country', 'Each country')], default='project', max_length=20, verbose_name='applies to'),
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop),
    ]
