"""/api/v1/team-states: each team's state in the words of the dashboard and the exports (evaluation.scoring),
for a provincial dashboard that wants the same counts as tocns's own pages."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tocns.accounts import selectors as access
from tocns.core.api_errors import SIGNED_IN_ERRORS, error_body
from tocns.evaluation import scoring
from tocns.teams import scope as team_scope
from tocns.units.models import Unit

from . import periods, selectors

router = Router(tags=["số liệu"])


class StateCount(Schema):
    state: str = Field(..., description="Mã trạng thái: " + ", ".join(scoring.CLASS_ORDER))
    label: str = Field(..., description="Tên hiển thị, ví dụ “Mới thành lập”")
    working: bool = Field(..., description="Thuộc nhóm “đang hoạt động” (có báo cáo trong thời hạn)")
    count: int


class TeamState(Schema):
    team: int
    name: str
    unit: str = Field(..., description="Mã đơn vị của tổ (thường là thôn)")
    state: str
    label: str
    score: int = Field(..., description="Điểm 0–100 của kỳ")
    last_report: datetime.date | None


class TeamStates(Schema):
    unit: str
    period: str
    grace_days: int = Field(..., description="Số ngày tổ mới thành lập được chờ báo cáo đầu tiên (tỉnh đặt)")
    teams: int = Field(..., description="Số tổ được tính; bằng tổng các trạng thái")
    working: int = Field(..., description="Số tổ đang hoạt động")
    states: list[StateCount]
    count: int = Field(..., description="Số tổ khớp bộ lọc trạng thái")
    items: list[TeamState]


@router.get(
    "/team-states",
    response={200: TeamStates, **SIGNED_IN_ERRORS},
    summary="Trạng thái các tổ dưới một đơn vị trong kỳ (mới thành lập, đang hoạt động, chỉ trên giấy…)",
)
def team_states(
    request,
    unit: str = Query(..., max_length=50, description="mã đơn vị; ngoài phạm vi thì 404"),
    period: str | None = Query(None, max_length=10, description="2026-10, 2026-Q3 hoặc 2026; trống: năm nay"),
    state: str | None = Query(None, max_length=10, description="chỉ các tổ ở trạng thái này"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    try:
        area, _can_edit = access.unit_for(request.user, unit)
    except Http404:
        return Status(404, error_body("unit", _("Không tìm thấy đơn vị trong phạm vi của bạn.")))
    try:
        chosen = periods.parse(period)  # the pages' years: 2000 to ten years ahead
    except ValueError as error:
        return Status(422, error_body("period", str(error)))
    if state and state not in scoring.CLASS_ORDER:
        return Status(422, error_body("state", _("Trạng thái không hợp lệ.")))
    weights = scoring.weights_for(area)
    scores = scoring.score_teams(team_scope.teams_under(request.user, area), chosen, weights, path=area.path)
    counts = {key: n for key, _label, n in scoring.class_counts(scores)}
    listed = sorted((s for s in scores if not state or s.klass == state), key=selectors.follow_up_key)
    codes = dict(
        Unit.objects.filter(pk__in={s.team.unit.pk for s in listed[offset : offset + limit]}).values_list(
            "pk", "code"
        )
    )
    return {
        "unit": area.code,
        "period": chosen.code,
        "grace_days": weights["grace_days"],
        "teams": len(scores),
        "working": sum(counts[k] for k in scoring.WORKING),
        "states": [
            {"state": k, "label": str(scoring.CLASS_LABELS[k]), "working": k in scoring.WORKING, "count": n}
            for k, n in counts.items()
        ],
        "count": len(listed),
        "items": [
            {
                "team": s.team.pk,
                "name": s.team.name,
                "unit": codes[s.team.unit.pk],
                "state": s.klass,
                "label": s.class_label,
                "score": s.score,
                "last_report": s.last_report,
            }
            for s in listed[offset : offset + limit]
        ],
    }
