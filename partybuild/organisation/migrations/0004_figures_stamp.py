"""The stamp row and the triggers that renew its token on every write the structure figures
depend on (see partybuild/organisation/figures_stamp.py; post_migrate installs them again)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from partybuild.organisation import figures_stamp

    figures_stamp.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from partybuild.organisation import figures_stamp

    figures_stamp.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0003_regions_move_to_their_app"),
        ("instructors", "0003_phone_publish_consent"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="FiguresStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "结构数字版本",
                "verbose_name_plural": "结构数字版本",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
