# The running totals moved here from reports (see reports 0011): the models are taken over on their old
# tables, which are then renamed reports_* -> activities_*, keeping every row, index and constraint name.
# On a new database reports' migrations made the tables a moment before.

import django.db.models.deletion
import tocns.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0004_activity_newest_first"),
        ("teams", "0004_affiliations_as_rosters_say"),
        ("reports", "0011_totals_to_activities"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TeamLastReport",
                    fields=[
                        (
                            "team",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="+",
                                serialize=False,
                                to="teams.team",
                            ),
                        ),
                        ("area_path", tocns.core.fields.PathField(db_index=True, max_length=255)),
                        ("last_date", models.DateField()),
                    ],
                    options={"db_table": "reports_teamlastreport"},
                ),
                migrations.CreateModel(
                    name="AreaMonth",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("area_path", tocns.core.fields.PathField(max_length=255)),
                        ("month", models.DateField()),
                        ("reports", models.PositiveBigIntegerField(default=0)),
                        ("people", models.PositiveBigIntegerField(default=0)),
                        ("households", models.PositiveBigIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "reports_areamonth",
                        "constraints": [
                            models.UniqueConstraint(fields=("area_path", "month"), name="area_month_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AreaMonthOutcome",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("area_path", tocns.core.fields.PathField(max_length=255)),
                        ("month", models.DateField()),
                        ("guided", models.PositiveBigIntegerField(default=0)),
                        ("completed", models.PositiveBigIntegerField(default=0)),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="activities.digitalservice",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_areamonthoutcome",
                        "indexes": [
                            models.Index(
                                fields=["area_path", "month", "service", "guided", "completed"],
                                name="area_outcome_covering",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("area_path", "month", "service"), name="area_month_service_once"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamMonth",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("unit_path", tocns.core.fields.PathField(max_length=255)),
                        ("area_path", tocns.core.fields.PathField(max_length=255)),
                        ("reports", models.PositiveBigIntegerField(default=0)),
                        ("people", models.PositiveBigIntegerField(default=0)),
                        ("households", models.PositiveBigIntegerField(default=0)),
                        ("weeks", models.PositiveIntegerField(default=0)),
                        ("month", models.DateField()),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="teams.team"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_teammonth",
                        "indexes": [
                            models.Index(
                                fields=["area_path", "month"], name="reports_tea_area_pa_0e60ac_idx"
                            ),
                            models.Index(
                                fields=[
                                    "unit_path",
                                    "month",
                                    "team",
                                    "people",
                                    "reports",
                                    "households",
                                    "weeks",
                                ],
                                name="team_month_covering_weeks",
                            ),
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("team", "month"), name="team_month_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamMonthOutcome",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("unit_path", tocns.core.fields.PathField(max_length=255)),
                        ("area_path", tocns.core.fields.PathField(max_length=255)),
                        ("guided", models.PositiveBigIntegerField(default=0)),
                        ("completed", models.PositiveBigIntegerField(default=0)),
                        ("month", models.DateField()),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="activities.digitalservice",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="teams.team"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_teammonthoutcome",
                        "indexes": [
                            models.Index(
                                fields=["unit_path", "month", "team", "service", "completed"],
                                name="team_outcome_covering",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("team", "month", "service"), name="team_month_service_once"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamWeek",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("week", models.DateField()),
                        ("area_path", tocns.core.fields.PathField(max_length=255)),
                        ("reports", models.PositiveBigIntegerField(default=0)),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="teams.team"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_teamweek",
                        "indexes": [
                            models.Index(
                                fields=["week", "area_path", "team", "reports"], name="team_week_by_week"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("team", "week"), name="team_week_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamYear",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("unit_path", tocns.core.fields.PathField(max_length=255)),
                        ("area_path", tocns.core.fields.PathField(max_length=255)),
                        ("reports", models.PositiveBigIntegerField(default=0)),
                        ("people", models.PositiveBigIntegerField(default=0)),
                        ("households", models.PositiveBigIntegerField(default=0)),
                        ("weeks", models.PositiveIntegerField(default=0)),
                        ("year", models.PositiveSmallIntegerField()),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="teams.team"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_teamyear",
                        "indexes": [
                            models.Index(
                                fields=["year", "unit_path", "team", "weeks", "people", "reports"],
                                name="team_year_covering",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("team", "year"), name="team_year_once")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamYearOutcome",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("unit_path", tocns.core.fields.PathField(max_length=255)),
                        ("area_path", tocns.core.fields.PathField(max_length=255)),
                        ("guided", models.PositiveBigIntegerField(default=0)),
                        ("completed", models.PositiveBigIntegerField(default=0)),
                        ("year", models.PositiveSmallIntegerField()),
                        (
                            "service",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="activities.digitalservice",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="teams.team"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_teamyearoutcome",
                        "indexes": [
                            models.Index(
                                fields=["year", "service", "unit_path", "team", "completed"],
                                name="team_year_outcome_covering",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("team", "year", "service"), name="team_year_service_once"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="teamlastreport", table=None),
        migrations.AlterModelTable(name="areamonth", table=None),
        migrations.AlterModelTable(name="areamonthoutcome", table=None),
        migrations.AlterModelTable(name="teammonth", table=None),
        migrations.AlterModelTable(name="teammonthoutcome", table=None),
        migrations.AlterModelTable(name="teamweek", table=None),
        migrations.AlterModelTable(name="teamyear", table=None),
        migrations.AlterModelTable(name="teamyearoutcome", table=None),
    ]
