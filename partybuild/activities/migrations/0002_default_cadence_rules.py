"""The default 三会一课 cadence of the branch working rules; administrators may change it."""

from django.db import migrations

DEFAULT_RULES = (
    ("assembly", "quarter", 1),  # 支部党员大会 at least once a quarter
    ("lecture", "quarter", 1),  # 党课 at least once a quarter
    ("committee_meeting", "month", 1),  # 支委会 at least once a month
    ("group_meeting", "month", 1),  # 党小组会 at least once a month
    ("life_meeting", "year", 1),  # 组织生活会 at least once a year
    ("appraisal", "year", 1),  # 民主评议党员 at least once a year
)


def create_default_rules(apps, schema_editor):
    CadenceRule = apps.get_model("activities", "CadenceRule")
    for kind, period, minimum in DEFAULT_RULES:
        # A rule an administrator already set is kept as it is.
        CadenceRule.objects.get_or_create(kind=kind,
                                          defaults={"period": period, "minimum": minimum})


class Migration(migrations.Migration):

    dependencies = [
        ("activities", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_default_rules, migrations.RunPython.noop),
    ]
