"""Rubric versions: a snapshot table of every version of a year's rubric, filled from the
rubric history so that scores stored under an old version still find their maxima; and the
coherence rules (maxima sum to 100, thresholds ordered) as database constraints on every
rubric of a year not yet finalised."""

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.math
import django.db.models.lookups
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

FIELDS = ("coverage_max", "charter_max", "four_ones_max", "activities_max", "activities_target",
          "hazards_max", "red_points_max", "deduction_per_clue", "excellent_from", "good_from",
          "pass_from", "red_list_from")
MAXIMA = FIELDS[:4] + FIELDS[5:7]


def versions_from_history(apps, schema_editor):
    """One RubricVersion per (year, version) ever saved: the last historical record of each
    version (what scores of that version were computed with), then the current rubric."""
    Rubric = apps.get_model("scoring", "Rubric")
    HistoricalRubric = apps.get_model("scoring", "HistoricalRubric")
    RubricVersion = apps.get_model("scoring", "RubricVersion")
    found = {}
    for record in HistoricalRubric.objects.order_by("history_date", "history_id"):
        found[(record.year, record.version)] = (record, record.history_date,
                                                record.history_user_id)
    for rubric in Rubric.objects.all():
        key = (rubric.year, rubric.version)
        if key not in found:
            found[key] = (rubric, None, None)

    RubricVersion.objects.bulk_create([
        RubricVersion(year=year, version=version, created_at=when or timezone.now(),
                      created_by_id=user_id,
                      **{name: getattr(source, name) for name in FIELDS})
        for (year, version), (source, when, user_id) in sorted(found.items())
    ])


def refuse_incoherent_open_rubrics(apps, schema_editor):
    """The constraints below would fail on a bad open rubric with a bare database error;
    say which year and what to fix instead (finalised years keep theirs)."""
    Rubric = apps.get_model("scoring", "Rubric")
    bad = []
    for rubric in Rubric.objects.filter(finalised_at__isnull=True):
        total = sum((getattr(rubric, name) for name in MAXIMA), Decimal(0))
        ordered = (100 >= rubric.excellent_from > rubric.good_from > rubric.pass_from > 0
                   and 0 < rubric.red_list_from <= 100)
        if total != 100 or not ordered:
            bad.append(f"{rubric.year}: maxima sum {total}, thresholds "
                       f"{rubric.excellent_from}/{rubric.good_from}/{rubric.pass_from}, "
                       f"red list from {rubric.red_list_from}")
    if bad:
        raise RuntimeError(
            "Open rubrics break the new rules (maxima must sum to 100, 100 >= excellent > "
            "good > pass > 0): " + "; ".join(bad) + ". Correct them in /admin/ with the "
            "previous release, then migrate again.")


class Migration(migrations.Migration):

    dependencies = [
        ('scoring', '0002_finalised_inspection_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RubricVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('version', models.PositiveIntegerField(verbose_name='版本')),
                ('coverage_max', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='组织覆盖满分')),
                ('charter_max', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='党建入章程满分')),
                ('four_ones_max', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='四个一满分')),
                ('activities_max', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='组织生活满分')),
                ('activities_target', models.PositiveSmallIntegerField(verbose_name='组织生活满分所需活动数')),
                ('hazards_max', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='隐患整改满分')),
                ('red_points_max', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='红名单积分满分')),
                ('deduction_per_clue', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='每条查实线索扣分')),
                ('excellent_from', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='优秀起点')),
                ('good_from', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='良好起点')),
                ('pass_from', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='合格起点')),
                ('red_list_from', models.DecimalField(decimal_places=2, max_digits=6, verbose_name='红名单总分起点')),
                ('created_at', models.DateTimeField(verbose_name='创建时间')),
            ],
            options={
                'verbose_name': '评分细则版本',
                'verbose_name_plural': '评分细则版本',
                'ordering': ['-year', '-version'],
            },
        ),
        migrations.AddField(
            model_name='rubricversion',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人'),
        ),
        migrations.AddConstraint(
            model_name='rubricversion',
            constraint=models.UniqueConstraint(fields=('year', 'version'), name='rubric_version_once'),
        ),
        migrations.RunPython(versions_from_history, migrations.RunPython.noop),
        migrations.RunPython(refuse_incoherent_open_rubrics, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='rubric',
            name='rubric_grade_thresholds_ordered',
        ),
        migrations.AddConstraint(
            model_name='rubric',
            constraint=models.CheckConstraint(condition=models.Q(('finalised_at__isnull', False), models.Q(('excellent_from__gt', models.F('good_from')), ('good_from__gt', models.F('pass_from')), ('pass_from__gt', 0), ('excellent_from__lte', 100)), _connector='OR'), name='rubric_grade_thresholds_ordered', violation_error_message='等级分数线须满足 100 ≥ 优秀 > 良好 > 合格 > 0。'),
        ),
        migrations.AddConstraint(
            model_name='rubric',
            constraint=models.CheckConstraint(condition=models.Q(('finalised_at__isnull', False), django.db.models.lookups.Exact(django.db.models.functions.math.Round(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.F('coverage_max'), '+', models.F('charter_max')), '+', models.F('four_ones_max')), '+', models.F('activities_max')), '+', models.F('hazards_max')), '+', models.F('red_points_max')), 2), Decimal('100')), _connector='OR'), name='rubric_maxima_sum_100', violation_error_message='各项满分之和须恰好为 100。'),
        ),
        migrations.AddConstraint(
            model_name='rubric',
            constraint=models.CheckConstraint(condition=models.Q(('finalised_at__isnull', False), models.Q(('red_list_from__gt', 0), ('red_list_from__lte', 100)), _connector='OR'), name='rubric_red_list_from_in_range', violation_error_message='红名单总分起点须大于 0 且不超过 100。'),
        ),
    ]
