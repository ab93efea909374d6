import uuid

import pytest
from django.utils import timezone

from tocns.activities.services import OutcomeInput, ReportInput, file_report


@pytest.fixture
def member_report(rosters, people):
    """A report Lò Thị Mai (team member of Cốc Lếu) filed today: 6 guided to a payment account, 4 opened."""
    activity, _created = file_report(
        actor=people.team_member,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=rosters.coc_leu.pk, date=timezone.localdate(), outcomes=[OutcomeInput("cashless", 6, 4)]
        ),
    )
    return activity
