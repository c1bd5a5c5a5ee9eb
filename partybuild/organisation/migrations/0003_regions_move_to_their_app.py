"""Regions now belong to the regions app (regions 0001): point the foreign keys there and
drop organisation's record of the models. State only: the tables and rows do not change."""

import django.db.models.deletion
from django.db import migrations, models


def region_key(related_name, **options):
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                             related_name=related_name, to="regions.region",
                             verbose_name="所属区划", **options)


def historical_region_key():
    return models.ForeignKey(blank=True, db_constraint=False, null=True,
                             on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                             to="regions.region", verbose_name="所属区划")


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0002_postgres_exclusions"),
        ("regions", "0001_initial"),
        # Every other key to Region must have moved before organisation forgets the model.
        ("accounts", "0003_region_key_to_regions"),
        ("instructors", "0002_region_key_to_regions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("committee", "region", region_key("committees")),
                migrations.AlterField("institution", "region", region_key("institutions")),
                migrations.AlterField("schoolbranch", "region",
                                      region_key("school_branches", blank=True, null=True)),
                migrations.AlterField("historicalcommittee", "region", historical_region_key()),
                migrations.AlterField("historicalinstitution", "region", historical_region_key()),
                migrations.AlterField("historicalschoolbranch", "region", historical_region_key()),
                migrations.DeleteModel("HistoricalRegion"),
                migrations.DeleteModel("Region"),
            ],
            database_operations=[],
        ),
    ]
