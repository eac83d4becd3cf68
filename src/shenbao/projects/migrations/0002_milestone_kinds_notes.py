"""Milestones get a kind (mid-term report, final report, custom), a note and who completed them; the
existing report milestones, titled in whatever language was active when the project started, become
report kinds.  KPI targets stored with the key ``zh_hans`` (a bug in ``start_projects``) get ``zh-hans``."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


REPORT_TITLES = {
    "mid-term report": "midterm",
    "中期报告": "midterm",
    "final report": "final",
    "结题报告": "final",
}


def milestone_kinds(apps, schema_editor):  # type: ignore[no-untyped-def]
    Milestone = apps.get_model("projects", "Milestone")
    seen = set()
    for milestone in Milestone.objects.filter(kind="custom").order_by("project_id", "due", "pk"):
        kind = REPORT_TITLES.get(milestone.title.strip().lower())
        if kind is None or (milestone.project_id, kind) in seen:
            continue
        seen.add((milestone.project_id, kind))
        milestone.kind = kind
        milestone.title = ""
        milestone.save(update_fields=["kind", "title"])


def report_titles(apps, schema_editor):  # type: ignore[no-untyped-def]
    Milestone = apps.get_model("projects", "Milestone")
    Milestone.objects.filter(kind="midterm").update(kind="custom", title="Mid-term report")
    Milestone.objects.filter(kind="final").update(kind="custom", title="Final report")


def _fix(value):  # type: ignore[no-untyped-def]
    if not isinstance(value, dict) or "zh_hans" not in value:
        return value
    fixed = {("zh-hans" if k == "zh_hans" else k): v for k, v in value.items() if v}
    if value.get("zh-hans"):
        fixed["zh-hans"] = value["zh-hans"]
    return fixed


def target_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    KpiTarget = apps.get_model("projects", "KpiTarget")
    for target in KpiTarget.objects.all():
        name, unit = _fix(target.name), _fix(target.unit)
        if (name, unit) != (target.name, target.unit):
            target.name, target.unit = name, unit
            target.save(update_fields=["name", "unit"])


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0001_projects_targets_reports_outputs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='milestone',
            name='done_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='kind',
            field=models.CharField(choices=[('midterm', 'Mid-term report'), ('final', 'Final report'), ('custom', 'Custom milestone')], default='custom', max_length=20, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='note',
            field=models.TextField(blank=True, verbose_name='what was delivered'),
        ),
        migrations.AlterField(
            model_name='milestone',
            name='title',
            field=models.CharField(blank=True, help_text='Custom milestones only.', max_length=200, verbose_name='milestone'),
        ),
        migrations.RunPython(milestone_kinds, report_titles),
        migrations.RunPython(target_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='milestone',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'custom'), _negated=True), fields=('project', 'kind'), name='projects_one_report_milestone_per_kind'),
        ),
    ]
