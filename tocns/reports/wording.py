"""How a report writes numbers, shares, places and dates in Vietnamese running text and headers."""

import datetime

from django.utils.translation import gettext as _

from tocns.evaluation import scoring
from tocns.units.models import Unit, UnitKind


def vn_number(value: int) -> str:
    """1234567 -> "1.234.567": a dot between thousands, as Vietnamese documents write numbers."""
    return f"{value:,}".replace(",", ".")


def vn_percent(share: float | None) -> str:
    """0.857 -> "85,7%" (decimal comma); "" when there is nothing to divide by."""
    if share is None:
        return ""
    text = f"{100 * share:.1f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + "%"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


_PROVINCE_PREFIXES = ("Thành phố ", "Tỉnh ")


def _province_of(unit: Unit) -> Unit:
    if unit.parent_id is None:
        return unit
    return Unit.objects.filter(code=unit.path.strip("/").split("/")[0]).first() or unit


def _bare_province_name(province: Unit) -> tuple[str, str]:
    """("thành phố", "Hà Nội") for "Thành phố Hà Nội"; ("tỉnh", "Lào Cai") for "Lào Cai"."""
    name = province.name
    for prefix in _PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return prefix.strip().lower(), name[len(prefix) :]
    kind = "thành phố" if province.division_type.startswith("thành phố") else "tỉnh"
    return kind, name


def place_name(unit: Unit) -> str:
    """The place before the date: the province's name without "Tỉnh"/"Thành phố". A unit named after a
    person keeps its full name (Nghị định 30: "Thành phố Hồ Chí Minh, ngày ...")."""
    kind, name = _bare_province_name(_province_of(unit))
    return f"{kind.capitalize()} {name}" if name == "Hồ Chí Minh" else name


def issuing_body(unit: Unit) -> str:
    """The People's Committee above the steering committee that signs: "UBND TỈNH LÀO CAI",
    "UBND XÃ MƯỜNG KHƯƠNG". A village has no committee of its own: its commune's reports for it."""
    if unit.kind == UnitKind.VILLAGE and unit.parent is not None:
        return issuing_body(unit.parent)
    if unit.parent_id is None:
        kind, name = _bare_province_name(unit)
        return f"UBND {kind} {name}".upper()
    name = unit.name
    # Official communes are named with their type ("Xã Mường Khương"); a bare name gets it from the type.
    if unit.division_type and not name.lower().startswith(unit.division_type.lower()):
        name = f"{unit.division_type} {name}"
    return f"UBND {name}".upper()


# Words a unit's name starts with, lower case in running text ("trên địa bàn xã Mường Khương").
_TYPE_WORDS = (
    "xã ",
    "phường ",
    "đặc khu ",
    "thị trấn ",
    "huyện ",
    "quận ",
    "thị xã ",
    "thôn ",
    "bản ",
    "tổ dân phố ",
)


def place_in_text(unit: Unit) -> str:
    """A unit as running text names it: "tỉnh Lào Cai", "xã Mường Khương" (the type in lower case)."""
    if unit.parent_id is None:
        return " ".join(_bare_province_name(unit))
    name = unit.name
    return lower_first(name) if name.lower().startswith(_TYPE_WORDS) else name


def date_line(unit: Unit, today: datetime.date) -> str:
    """ "Lào Cai, ngày 05 tháng 3 năm 2026": a zero before days under 10 and months 1 and 2 (Nghị định 30)."""
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place_name(unit),
        "day": f"{today.day:02d}",
        "month": month,
        "year": today.year,
    }


def states_sentence(board) -> str:
    """The teams by state, adding up to the teams counted: "Trong 12 tổ: 9 tổ đang hoạt động (…); 1 tổ mới
    thành lập, chưa có báo cáo; 2 tổ chỉ trên giấy (không có báo cáo trong 60 ngày)." """
    count = board.count
    working = ", ".join(
        f"{vn_number(count(k))} {scoring.CLASS_LABELS[k].lower()}" for k in scoring.WORKING if count(k)
    )
    parts = [
        _("%(n)s tổ đang hoạt động%(detail)s")
        % {"n": vn_number(board.working), "detail": f" ({working})" if working else ""}
    ]
    if count(scoring.NEW):
        parts.append(_("%(n)s tổ mới thành lập, chưa có báo cáo") % {"n": vn_number(count(scoring.NEW))})
    if count(scoring.PAPER):
        parts.append(
            _("%(n)s tổ chỉ trên giấy (không có báo cáo trong %(d)s ngày)")
            % {"n": vn_number(count(scoring.PAPER)), "d": board.grace_days}
        )
    return _("Trong %(n)s tổ: %(parts)s.") % {"n": vn_number(board.teams), "parts": "; ".join(parts)}
