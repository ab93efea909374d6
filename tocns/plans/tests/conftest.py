import datetime
import uuid

import pytest
from django.utils import timezone

from tocns.activities.services import OutcomeInput, ReportInput, file_report
from tocns.catalogue.models import DigitalService
from tocns.plans import services
from tocns.plans.models import Indicator, PlanStatus


@pytest.fixture
def vneid(db):
    return DigitalService.objects.get(code="vneid")


@pytest.fixture
def this_year():
    return timezone.localdate().year


@pytest.fixture
def province_plan(tree, people, this_year):
    """Lào Cai's active plan for this year (no targets yet)."""
    return services.create_plan(
        actor=people.province_officer,
        unit=tree.lao_cai,
        year=this_year,
        title="Kế hoạch chuyển đổi số cộng đồng",
        status=PlanStatus.ACTIVE,
    )


@pytest.fixture
def vneid_target(province_plan, people, vneid):
    """1000 VNeID activations, split over Phường Lào Cai (600 households) and Mường Khương (95)."""
    return services.add_target(
        actor=people.province_officer,
        plan=province_plan,
        indicator=Indicator.SERVICE_COMPLETED,
        service=vneid,
        value=1000,
    )


def report(actor, team, *, completed=0, households=0, day: datetime.date | None = None, service="vneid"):
    """A real report through the one write path, so the running totals move as they do in production."""
    outcomes = [OutcomeInput(service, completed, completed)] if completed else []
    activity, _created = file_report(
        actor=actor,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=team.pk,
            date=day or timezone.localdate(),
            outcomes=outcomes,
            people_reached=max(completed, households, 1),
            households_reached=households,
        ),
    )
    return activity
