"""A unit's dashboard as files an office files away: an .xlsx of every figure (export_xlsx) and a .docx
report in the form of Nghị định 30/2020/NĐ-CP (export_docx), both worded by wording.py. Both are drawn from
the same dashboard as the page (parts.dashboard: a province's from the per-commune parts kept between
requests when the viewer sees all its teams), so the figures in the files are the ones on the screen."""

import datetime

from tocns.evaluation import scoring
from tocns.teams import selectors as team_selectors
from tocns.teams.models import Team
from tocns.units.models import Unit

from . import parts, selectors
from .export_docx import build_docx
from .export_xlsx import build_xlsx

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def build_dashboard(unit: Unit, period: scoring.Period, teams, *, whole: bool) -> selectors.Dashboard:
    """The dashboard's figures for the teams given (the viewer's scope, or every team for the system);
    ``whole``: they are every team under the unit, so the kept parts serve (with every team to follow
    up, as the dashboard's own list is only the first ones)."""
    return parts.dashboard(unit, period, teams, targets=selectors.targets_for(unit, period), kept=whole)


def system_teams(unit: Unit):
    """Every team below the unit: the command runs as the system, not as a user with a scope."""
    return team_selectors.under(Team.objects.all(), unit)


def render(
    board: selectors.Dashboard, fmt: str, *, today: datetime.date | None = None, with_phones: bool = False
) -> bytes:
    """The file in the format asked for; ``with_phones``: the follow-up sheet gives the leaders' phones (for
    officers, and the command run by the server's administrator)."""
    if fmt == "xlsx":
        return build_xlsx(board, with_phones=with_phones)
    if fmt == "docx":
        return build_docx(board, today=today)
    raise ValueError(fmt)


def filename(board: selectors.Dashboard, fmt: str) -> str:
    return f"bao-cao-{board.unit.code}-{board.period.code}.{fmt}"
