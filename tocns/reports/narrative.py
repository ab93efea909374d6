"""The text of a unit's report for a period that only its officers can write (difficulties and causes, next
tasks, proposals): what they saved for the period, else what they wrote for the previous period, else a
draft from the figures, so that the page opens ready to edit and the exported file is never missing a
section."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tocns.evaluation import scoring

from .models import ReportText
from .wording import vn_number


@dataclass
class Texts:
    difficulties: str
    next_tasks: str
    proposals: str
    saved: bool  # saved for this very period
    source: str  # where an unsaved text comes from, for the page: "", a period's label, or "figures"


def previous_code(period: scoring.Period) -> str:
    """The period before: 2025 for 2026, 2026-Q3 for 2026-Q4, 2025-Q4 for 2026-Q1, 2026-10 for 2026-11."""
    code, year = period.code, period.start.year
    if "-Q" in code:
        quarter = int(code.split("-Q")[1])
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    if "-" in code:
        month = period.start.month
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    return str(year - 1)


def texts_for(unit, period: scoring.Period, board=None) -> Texts:
    saved = ReportText.objects.filter(unit=unit, period=period.code).first()
    if saved is not None:
        return Texts(saved.difficulties, saved.next_tasks, saved.proposals, True, "")
    before = ReportText.objects.filter(unit=unit, period=previous_code(period)).first()
    if before is None:  # a year after quarters, a quarter after months: the latest period before this one
        earlier = [
            (scoring.Period.parse(row.period).start, row)
            for row in ReportText.objects.filter(unit=unit).exclude(period=period.code)
        ]
        earlier = [(start, row) for start, row in earlier if start < period.start]
        before = max(earlier, key=lambda pair: pair[0])[1] if earlier else None
    if before is not None:
        label = scoring.Period.parse(before.period).label
        return Texts(before.difficulties, before.next_tasks, before.proposals, False, label)
    difficulties, next_tasks = drafts(board) if board is not None else ("", "")
    return Texts(difficulties, next_tasks, "", False, "figures")


def drafts(board) -> tuple[str, str]:
    """Difficulties and next tasks drafted from the figures, one line each, for the officer to edit."""
    coverage = board.coverage
    problems, tasks = [], []
    paper, new = board.count(scoring.PAPER), board.count(scoring.NEW)
    if paper:
        problems.append(
            _("%(n)s tổ chỉ trên giấy, không có báo cáo trong %(d)s ngày.")
            % {"n": vn_number(paper), "d": board.grace_days}
        )
        tasks.append(
            _("Kiểm tra, kiện toàn %(n)s tổ chỉ trên giấy; hướng dẫn các tổ báo cáo đều đặn hằng tuần.")
            % {"n": vn_number(paper)}
        )
    if new:
        tasks.append(_("Hướng dẫn %(n)s tổ mới thành lập gửi báo cáo đầu tiên.") % {"n": vn_number(new)})
    if coverage is not None:
        missing = coverage.villages - coverage.villages_with_team
        if missing > 0:
            problems.append(_("%(n)s thôn, tổ dân phố chưa có tổ.") % {"n": vn_number(missing)})
            tasks.append(_("Thành lập tổ ở %(n)s thôn, tổ dân phố chưa có tổ.") % {"n": vn_number(missing)})
        if coverage.teams_without_leader:
            problems.append(
                _("%(n)s tổ chưa có tổ trưởng.") % {"n": vn_number(coverage.teams_without_leader)}
            )
        without = coverage.members - coverage.members_with_smartphone
        if coverage.members and without:
            problems.append(
                _("%(n)s thành viên (%(share)s%%) chưa có điện thoại thông minh.")
                % {"n": vn_number(without), "share": 100 - (coverage.smartphone_share or 0)}
            )
    tasks.append(
        _(
            "Tiếp tục hướng dẫn người dân sử dụng dịch vụ công trực tuyến, mua sắm và thanh toán trực tuyến, "
            "tự bảo vệ mình trên môi trường mạng và các nền tảng số khác."
        )
    )
    return "\n".join(problems), "\n".join(tasks)


def paragraphs(text: str) -> list[str]:
    """The officer's text as the report's paragraphs: one per line, without the dashes typed before them."""
    return [line.strip().lstrip("-–•+ ").strip() for line in text.splitlines() if line.strip(" -–•+")]
