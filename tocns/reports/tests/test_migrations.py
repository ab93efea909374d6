"""The data migration that fills TeamMonth.weeks for reports filed before the column existed."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0003_covering_indexes")]
AFTER = [("reports", "0004_weeks_by_month")]


@pytest.mark.django_db(transaction=True)
def test_weeks_are_filled_by_the_month_of_their_monday(rosters):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    TeamWeek, TeamMonth = old.get_model("reports", "TeamWeek"), old.get_model("reports", "TeamMonth")
    team = rosters.coc_leu
    path, area = team.unit.path, "/".join(team.unit.path.split("/")[:3]) + "/"
    sep, oct_ = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)
    # October has reports in the weeks of Monday 28 September (Thu 1 Oct) and Monday 5 October;
    # September has no report of its own; an emptied week (0 reports) counts for nothing.
    TeamMonth.objects.create(team_id=team.pk, month=oct_, unit_path=path, area_path=area, reports=3)
    for week, reports in [
        (datetime.date(2026, 9, 28), 2),
        (datetime.date(2026, 10, 5), 1),
        (datetime.date(2026, 10, 12), 0),
    ]:
        TeamWeek.objects.create(team_id=team.pk, week=week, area_path=area, reports=reports)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("reports", "TeamMonth")
    rows = {m: (r, w, u) for m, r, w, u in new.objects.values_list("month", "reports", "weeks", "unit_path")}
    assert rows == {sep: (0, 1, path), oct_: (3, 1, path)}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest for the tests after
