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


def province_of(unit: Unit) -> Unit:
    if unit.parent_id is None:
        return unit
    return Unit.objects.filter(code=unit.path.strip("/").split("/")[0]).first() or unit


def bare_province_name(province: Unit) -> tuple[str, str]:
    """("thành phố", "Hà Nội") for "Thành phố Hà Nội"; ("tỉnh", "Lào Cai") for "Lào Cai"."""
    name = province.name
    for prefix in _PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return prefix.strip().lower(), name[len(prefix) :]
    kind = "thành phố" if province.division_type.startswith("thành phố") else "tỉnh"
    return kind, name


def issuing_unit(unit: Unit) -> Unit:
    """The unit whose report this is: a village has no committee of its own, its commune reports for it
    (and a unit below a commune, the commune above it)."""
    while unit.kind not in (UnitKind.PROVINCE, UnitKind.COMMUNE) and unit.parent is not None:
        unit = unit.parent
    return unit


_LEVEL_WORDS = ("Xã ", "Phường ", "Đặc khu ", "Thị trấn ")


def level_word(unit: Unit) -> str:
    """ "xã", "phường", "đặc khu" for a commune-level unit, from its name or its type; "tỉnh"/"thành phố"
    for a province."""
    if unit.parent_id is None:
        return bare_province_name(unit)[0]
    for word in _LEVEL_WORDS:
        if unit.name.startswith(word):
            return word.strip().lower()
    return (unit.division_type or "xã").lower()


def place_name(unit: Unit) -> str:
    """The place before the date (Nghị định 30, Phụ lục I): the issuing unit's own name without its type,
    "Lào Cai" for the province, "Mường Khương" for Xã Mường Khương; a unit named by a number keeps its
    type ("Phường 7"), as does one named after a person where its name says so ("Thành phố Hồ Chí Minh";
    an officer sets other such names on the letterhead page)."""
    unit = issuing_unit(unit)
    if unit.parent_id is None:
        kind, name = bare_province_name(unit)
        return f"{kind.capitalize()} {name}" if name == "Hồ Chí Minh" else name
    name = unit.name
    for word in _LEVEL_WORDS:
        if name.startswith(word):
            bare = name[len(word) :]
            return name if not bare or bare[0].isdigit() else bare
    return name


def issuing_body(unit: Unit) -> str:
    """The People's Committee of the issuing unit, as its letterhead names it: "UBND TỈNH LÀO CAI",
    "UBND XÃ MƯỜNG KHƯƠNG" (a village's is its commune's)."""
    unit = issuing_unit(unit)
    if unit.parent_id is None:
        kind, name = bare_province_name(unit)
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
        return " ".join(bare_province_name(unit))
    name = unit.name
    return lower_first(name) if name.lower().startswith(_TYPE_WORDS) else name


def date_line(place: str, today: datetime.date) -> str:
    """ "Lào Cai, ngày 05 tháng 3 năm 2026": a zero before days under 10 and months 1 and 2 (Nghị định 30)."""
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
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
