# AreaStamp moved here from reports (see reports 0010): the model is taken over on its old table, which is
# then renamed reports_areastamp -> core_areastamp, keeping every stamp. On a new database reports 0008 made
# the table a moment before.

import tocns.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_column_choices"),
        ("reports", "0010_area_stamp_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AreaStamp",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("path", tocns.core.fields.PathField(max_length=255, unique=True)),
                        ("token", models.BigIntegerField()),
                    ],
                    options={"db_table": "reports_areastamp"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="areastamp", table=None),
    ]
