"""The roster as an .xlsx in exactly the columns and spellings the roster import reads, so a commune
can export, correct in Excel and import the file back: an unchanged export imports as "no change"."""

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from tocns.core.excel_write import Sheet, write_workbook
from tocns.units.models import Unit, UnitKind

from .models import Affiliation, Member, MemberRole
from .roster_import import HEADERS

WIDTHS = [9, 22, 28, 28, 26, 12, 14, 10, 28, 12]
ROLE_ORDER = Case(
    When(role=MemberRole.LEADER, then=Value(0)),
    When(role=MemberRole.DEPUTY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _members(unit: Unit):
    return (
        Member.objects.current()
        .filter(team__unit__path__startswith=unit.path)
        .select_related("team__unit__parent")
        .order_by("team__unit__path", "team__name", "team_id", ROLE_ORDER, "full_name", "pk")
    )


def _labels():
    # Translated once: get_FOO_display() per row would rebuild the choice list 100,000 times.
    roles = {value: str(label) for value, label in MemberRole.choices}
    affiliations = {value: str(label) for value, label in Affiliation.choices}
    yes, no = _("có"), _("không")

    def person(member: Member) -> list:
        return [
            member.full_name,
            roles.get(member.role, member.role),
            member.phone or None,
            member.birth_year,
            # The roster's own words when it was none of the choices: read back, they are kept again.
            member.affiliation_note or affiliations.get(member.affiliation, member.affiliation),
            yes if member.has_smartphone else no,
        ]

    return person


def _village_rows(members, person):
    for member in members.iterator(chunk_size=2000):
        village = member.team.unit
        commune = village.parent
        yield [commune.code, commune.name, village.name, member.team.name, *person(member)]


def export_roster(unit: Unit) -> bytes:
    """Current members of every team (active or dissolved) below a unit.

    The first sheet is the roster of village teams, ready to import back. Teams attached to a commune
    or a province cannot be imported (an import row names a village), so they go on a second sheet,
    only when there are some."""
    person = _labels()
    members = _members(unit)
    sheets = [
        Sheet(
            _("Danh sách tổ CNS"),
            HEADERS,
            _village_rows(members.filter(team__unit__kind=UnitKind.VILLAGE), person),
            WIDTHS,
        )
    ]
    others = [
        [m.team.unit.code, m.team.unit.name, m.team.name, *person(m)]
        for m in members.exclude(team__unit__kind=UnitKind.VILLAGE)
    ]
    if others:
        header = [_("Mã đơn vị"), _("Đơn vị"), *HEADERS[3:]]
        sheets.append(Sheet(_("Tổ cấp xã, tỉnh"), header, others, [12, 28, *WIDTHS[3:]]))
    return write_workbook(sheets)


def build_roster_template() -> bytes:
    """The import's columns with one example row, and a sheet saying what each column takes."""
    example = [
        "04465",
        "Xã Khao Mang",
        "Thôn Ví dụ (xóa dòng này)",
        "Tổ CNS Thôn Ví dụ",
        "Nguyễn Văn A",
        str(MemberRole.LEADER.label),
        "0912345678",
        1985,
        str(Affiliation.VILLAGE_HEAD.label),
        _("có"),
    ]
    guide = [
        [_("Mã xã"), _("Mã xã hoặc tên xã (một trong hai)"), _("Mã 5 chữ số của xã/phường/đặc khu")],
        [_("Xã"), _("Mã xã hoặc tên xã (một trong hai)"), _("Tên xã/phường/đặc khu, dùng khi không ghi mã")],
        [
            _("Thôn"),
            _("Bắt buộc"),
            _("Tên thôn/bản/tổ dân phố; thôn chưa có trong hệ thống được tạo khi nhập nếu bạn đồng ý"),
        ],
        [
            _("Tên tổ"),
            _("Không bắt buộc"),
            _("Để trống: tổ duy nhất của thôn, hoặc tổ mới “Tổ CNS <tên thôn>”"),
        ],
        [_("Họ và tên"), _("Bắt buộc"), ""],
        [_("Vai trò"), _("Không bắt buộc"), ", ".join(str(label) for label in MemberRole.labels)],
        [_("Số điện thoại"), _("Không bắt buộc"), _("10 chữ số, bắt đầu bằng 0; không trùng trong một tổ")],
        [_("Năm sinh"), _("Không bắt buộc"), _("Ví dụ 1985")],
        [_("Thành phần"), _("Không bắt buộc"), "; ".join(str(label) for label in Affiliation.labels)],
        [_("Điện thoại thông minh"), _("Không bắt buộc"), _("có hoặc không")],
    ]
    return write_workbook(
        [
            Sheet(_("Danh sách tổ CNS"), HEADERS, [example], WIDTHS),
            Sheet(_("Hướng dẫn"), [_("Cột"), _("Bắt buộc?"), _("Cách ghi")], guide, [22, 34, 70]),
        ]
    )
