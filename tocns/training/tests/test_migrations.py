"""The data migration that sets Member.trained for members who attended a class before the flag existed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tocns.training.models import Enrolment

BEFORE = [("teams", "0001_initial")]
AFTER = [("teams", "0002_member_trained_flag")]


@pytest.mark.django_db(transaction=True)
def test_members_who_attended_are_marked_trained(session, rosters):
    Enrolment.objects.create(session=session, member=rosters.member, attended=True)
    Enrolment.objects.create(session=session, member=rosters.leader, attended=False)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    Member = executor.loader.project_state(AFTER).apps.get_model("teams", "Member")
    flags = dict(
        Member.objects.filter(pk__in=[rosters.member.pk, rosters.leader.pk]).values_list("pk", "trained")
    )
    assert flags == {rosters.member.pk: True, rosters.leader.pk: False}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest for the tests after
