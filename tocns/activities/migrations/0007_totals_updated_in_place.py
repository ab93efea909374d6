# The running totals are updated in place (HOT on PostgreSQL, see the comment above TeamCountTotal in models):
# no index holds a counter any more, and the tables keep room on their pages for the new versions of rows.
#
# The storage options change no existing page: a row on a page filled before moves once, on its next update,
# to a page with room, and stays there; the pages left behind are reclaimed by autovacuum. Nothing here
# rewrites a table (VACUUM FULL cannot run in a migration's transaction, and would lock reports out for its
# whole run); docs/production.md says what an existing install may run at a quiet hour.

from django.db import migrations, models

TABLES = [
    "teammonth",
    "teamyear",
    "teammonthoutcome",
    "teamyearoutcome",
    "areamonth",
    "areamonthoutcome",
    "teamweek",
    "teamlastreport",
]
# fillfactor 75: a quarter of each page (~2 KB, ~20 versions of a row) is left for the new versions of its rows
# between two prunes of the page, which need every transaction older than the versions to have ended (a
# backup's snapshot holds them back for its whole run). Vacuum: after 2 % of a table is dead instead of 20 %,
# which are the non-HOT leftovers only (pruning takes the rest away); analyze after 5 % changed instead of 10 %,
# so plans see a new month's rows soon.
STORAGE = {
    "fillfactor": 75,
    "autovacuum_vacuum_scale_factor": 0.02,
    "autovacuum_vacuum_threshold": 1000,
    "autovacuum_analyze_scale_factor": 0.05,
}


def _alter(apps, schema_editor, sql: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite updates rows in place and has no such options
    for name in TABLES:
        table = schema_editor.quote_name(apps.get_model("activities", name)._meta.db_table)
        schema_editor.execute(sql.format(table=table))


def set_storage(apps, schema_editor):
    options = ", ".join(f"{key} = {value}" for key, value in STORAGE.items())
    _alter(apps, schema_editor, f"ALTER TABLE {{table}} SET ({options})")


def reset_storage(apps, schema_editor):
    _alter(apps, schema_editor, f"ALTER TABLE {{table}} RESET ({', '.join(STORAGE)})")


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0006_services_to_catalogue"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="areamonthoutcome", name="area_outcome_covering"),
        migrations.RemoveIndex(model_name="teammonth", name="team_month_covering_weeks"),
        migrations.RemoveIndex(model_name="teammonthoutcome", name="team_outcome_covering"),
        migrations.RemoveIndex(model_name="teamweek", name="team_week_by_week"),
        migrations.RemoveIndex(model_name="teamyear", name="team_year_covering"),
        migrations.RemoveIndex(model_name="teamyearoutcome", name="team_year_outcome_covering"),
        migrations.AddIndex(
            model_name="teammonth",
            index=models.Index(fields=["unit_path", "month"], name="team_month_by_path"),
        ),
        migrations.AddIndex(
            model_name="teammonthoutcome",
            index=models.Index(fields=["unit_path", "month", "service"], name="team_outcome_by_path"),
        ),
        migrations.AddIndex(
            model_name="teamweek",
            index=models.Index(fields=["week", "area_path"], name="team_week_by_path"),
        ),
        migrations.AddIndex(
            model_name="teamyear",
            index=models.Index(fields=["year", "unit_path"], name="team_year_by_path"),
        ),
        migrations.AddIndex(
            model_name="teamyearoutcome",
            index=models.Index(fields=["year", "service", "unit_path"], name="team_year_outcome_by_path"),
        ),
        migrations.RunPython(set_storage, reset_storage, elidable=False),
    ]
