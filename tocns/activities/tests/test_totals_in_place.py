"""The running totals are updated in place: on PostgreSQL every update of a total row is HOT (no index holds a
counter, the pages keep room), so the tables do not grow with the reports (bench/totals_bloat.py)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tocns.activities import totals
from tocns.activities.models import (
    Activity,
    AreaMonth,
    AreaMonthOutcome,
    TeamLastReport,
    TeamMonth,
    TeamMonthOutcome,
    TeamWeek,
    TeamYear,
    TeamYearOutcome,
)
from tocns.activities.selectors import with_details
from tocns.activities.services import OutcomeInput, ReportInput, edit_report, file_report

TOTALS = [
    TeamMonth,
    TeamYear,
    TeamMonthOutcome,
    TeamYearOutcome,
    AreaMonth,
    AreaMonthOutcome,
    TeamWeek,
    TeamLastReport,
]
# What totals.apply adds to or moves forward on a row that exists.
COUNTERS = {"reports", "people", "households", "weeks", "guided", "completed", "last_date"}
pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="HOT updates are PostgreSQL's")


def indexed_columns(model) -> dict[str, list[str]]:
    """{index name: its columns} of every index of the model's table: unique constraints', the primary key's
    and Django's own on foreign keys too, INCLUDE columns counted."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: info["columns"]
        for name, info in constraints.items()
        if info["index"] or info["unique"] or info["primary_key"]
    }


def reloptions(model) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        return set(cursor.fetchone()[0] or [])


def file_reports(rosters, people) -> None:
    """Reports on both teams, most of them adding to rows that exist, and an edit (-1 then +1)."""
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=1)
    filed = []
    for team, day, outcomes in [
        (rosters.coc_leu, today, [("vneid", 5, 4)]),
        (rosters.coc_leu, today, [("vneid", 2, 2), ("cashless", 3, 1)]),
        (rosters.coc_leu, earlier, [("vneid", 1, 1), ("cashless", 2, 0)]),
        (rosters.coc_leu, today, [("vneid", 4, 3)]),
        (rosters.lung_cu, today, [("vneid", 1, 0)]),
        (rosters.lung_cu, today, [("vneid", 6, 6), ("vssid", 2, 1)]),
    ]:
        activity, _created = file_report(
            actor=people.admin,
            report_id=uuid.uuid4(),
            data=ReportInput(
                team=team.pk, date=day, households_reached=2, outcomes=[OutcomeInput(*o) for o in outcomes]
            ),
        )
        filed.append(activity)
    edited = with_details(Activity.objects.filter(pk=filed[1].pk)).get()
    edit_report(
        actor=people.admin,
        activity=edited,
        data=ReportInput(team=rosters.coc_leu.pk, date=today, outcomes=[OutcomeInput("vneid", 3, 3)]),
    )


def test_no_index_of_a_total_table_holds_a_counter():
    """An index holding a column an update changes makes PostgreSQL write a new index entry in every index
    of the table, and leave the old row dead, on every report."""
    holding = {
        f"{model.__name__}.{name}": sorted(set(columns) & COUNTERS)
        for model in TOTALS
        for name, columns in indexed_columns(model).items()
        if set(columns) & COUNTERS
    }
    assert holding == {}


@on_postgresql
def test_the_total_tables_keep_room_on_their_pages_and_vacuum_early():
    for model in TOTALS:
        assert {
            "fillfactor=75",
            "autovacuum_vacuum_scale_factor=0.02",
            "autovacuum_vacuum_threshold=1000",
            "autovacuum_analyze_scale_factor=0.05",
        } <= reloptions(model), model.__name__


@on_postgresql
def test_reports_update_every_total_row_in_place(rosters, people):
    """Counted by PostgreSQL for this transaction alone (pg_stat_xact_user_tables)."""
    file_reports(rosters, people)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [[model._meta.db_table for model in TOTALS]],
        )
        updates = {table: (updated, hot) for table, updated, hot in cursor.fetchall()}
    for model in (
        TeamMonth,
        TeamYear,
        TeamMonthOutcome,
        TeamYearOutcome,
        AreaMonth,
        AreaMonthOutcome,
        TeamWeek,
    ):
        assert updates[model._meta.db_table][0] >= 3, model.__name__  # rows were updated, not only made
    assert {table: hot for table, (_updated, hot) in updates.items()} == {
        table: updated for table, (updated, _hot) in updates.items()
    }


def test_totals_updated_in_place_still_equal_a_rebuild(rosters, people):
    file_reports(rosters, people)

    def rows():
        """Every total row with something in it (an edit may leave a row at zero; a rebuild never makes one)."""
        result = {}
        for model in TOTALS:
            names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
            counted = [i for i, name in enumerate(names) if name in COUNTERS - {"last_date"}]
            values = model.objects.values_list(*names)
            result[model.__name__] = sorted(r for r in values if not counted or any(r[i] for i in counted))
        return result

    running = rows()
    assert running["TeamMonthOutcome"]
    totals.rebuild()
    assert rows() == running


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_to_covering_indexes_and_default_storage():
    executor = MigrationExecutor(connection)
    executor.migrate([("activities", "0006_services_to_catalogue")])
    assert "team_month_covering_weeks" in indexed_columns(TeamMonth)
    assert "team_month_by_path" not in indexed_columns(TeamMonth)
    if connection.vendor == "postgresql":
        assert reloptions(TeamMonth) == set()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert "team_month_covering_weeks" not in indexed_columns(TeamMonth)
    assert indexed_columns(TeamMonth)["team_month_by_path"] == ["unit_path", "month"]
    if connection.vendor == "postgresql":
        assert "fillfactor=75" in reloptions(TeamMonth)
