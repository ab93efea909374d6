# The running totals moved to activities (activities.totals, activities.models): activities writes them in
# the report's own transaction, and plans and evaluation read them, all below reports. Only Django's record
# of the models goes; activities 0005 takes the tables over and renames them.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_area_stamp_to_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="AreaMonth",
                ),
                migrations.RemoveField(
                    model_name="teamlastreport",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="teammonth",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="teammonthoutcome",
                    name="service",
                ),
                migrations.RemoveField(
                    model_name="teammonthoutcome",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="teamweek",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="teamyear",
                    name="team",
                ),
                migrations.RemoveField(
                    model_name="teamyearoutcome",
                    name="service",
                ),
                migrations.RemoveField(
                    model_name="teamyearoutcome",
                    name="team",
                ),
                migrations.DeleteModel(
                    name="AreaMonthOutcome",
                ),
                migrations.DeleteModel(
                    name="TeamLastReport",
                ),
                migrations.DeleteModel(
                    name="TeamMonth",
                ),
                migrations.DeleteModel(
                    name="TeamMonthOutcome",
                ),
                migrations.DeleteModel(
                    name="TeamWeek",
                ),
                migrations.DeleteModel(
                    name="TeamYear",
                ),
                migrations.DeleteModel(
                    name="TeamYearOutcome",
                ),
            ],
            database_operations=[],
        ),
    ]
