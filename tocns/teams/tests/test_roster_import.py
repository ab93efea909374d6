import contextlib
import datetime
import gc

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tocns.audit import services as audit
from tocns.audit.models import AuditEntry
from tocns.conftest import xlsx_bytes
from tocns.core.excel import ImportFileError, MissingColumns
from tocns.teams.models import Affiliation, Member, MemberRole, Team, TeamStatus
from tocns.teams.roster_import import (
    HEADERS,
    IMPORT_AUDIT_FIELDS,
    apply_roster,
    read_roster,
    snapshotter,
)
from tocns.teams.services import TEAM_AUDIT_FIELDS, add_member, create_team, update_team

DEFAULTS = {
    "Mã xã": "02647",
    "Xã": None,
    "Thôn": "Tổ dân phố Kim Tân",
    "Tên tổ": None,
    "Họ và tên": "Hoàng Văn Nam",
    "Vai trò": None,
    "Số điện thoại": None,
    "Năm sinh": None,
    "Thành phần": None,
    "Điện thoại thông minh": None,
}


def row(**cells) -> list:
    """A data row in the import's column order; keyword names are the headers without diacritics."""
    names = {
        "code": "Mã xã",
        "commune": "Xã",
        "village": "Thôn",
        "team": "Tên tổ",
        "name": "Họ và tên",
        "role": "Vai trò",
        "phone": "Số điện thoại",
        "year": "Năm sinh",
        "affiliation": "Thành phần",
        "smartphone": "Điện thoại thông minh",
    }
    values = dict(DEFAULTS)
    for key, value in cells.items():
        values[names[key]] = value
    return [values[h] for h in HEADERS]


def roster_file(*rows) -> bytes:
    return xlsx_bytes([HEADERS, *rows])


def errors_of(result) -> dict[int, str]:
    return {e.row: e.message for e in result.errors}


def current(team) -> set[tuple]:
    return set(
        Member.objects.current()
        .filter(team=team)
        .values_list("full_name", "phone", "birth_year", "role", "affiliation", "has_smartphone")
    )


def test_good_file_creates_teams_and_members_with_audit(tree, people):
    data = roster_file(
        row(
            code=2647,
            name="Hoàng Văn Nam",
            role="Tổ trưởng",
            phone="0987 654 321",
            year=1980,
            smartphone="có",
        ),
        row(name="Lý Thị Hoa", role="Tổ phó", phone="+84 912 000 111", year=1995, affiliation="Hội phụ nữ"),
        row(
            code="02953",
            village="Thôn Na Lang",
            team="Tổ CNS Na Lang",
            name="Giàng A Páo",
            affiliation="Đoàn thanh niên",
            smartphone="x",
        ),
    )
    result = read_roster(data)
    assert not result.errors
    assert (len(result.to_create), len(result.to_update), result.unchanged) == (3, 0, 0)
    assert sorted(t.name for t in result.teams_to_create) == ["Tổ CNS Na Lang", "Tổ CNS Tổ dân phố Kim Tân"]
    assert Member.objects.count() == 0  # the dry run writes nothing

    apply_roster(result, actor=people.commune_officer)
    assert result.written
    kim_tan = Team.objects.get(unit=tree.kim_tan)
    assert kim_tan.name == "Tổ CNS Tổ dân phố Kim Tân" and kim_tan.status == TeamStatus.ACTIVE
    assert current(kim_tan) == {
        ("Hoàng Văn Nam", "0987654321", 1980, MemberRole.LEADER, Affiliation.OTHER, True),
        ("Lý Thị Hoa", "0912000111", 1995, MemberRole.DEPUTY, Affiliation.WOMEN_UNION, False),
    }
    na_lang = Team.objects.get(unit=tree.na_lang)
    assert current(na_lang) == {("Giàng A Páo", "", None, MemberRole.MEMBER, Affiliation.YOUTH_UNION, True)}
    assert set(Member.objects.values_list("joined_on", flat=True)) == {timezone.localdate()}

    entries = AuditEntry.objects.filter(action="import")
    assert entries.count() == 5  # two teams, three members
    assert set(entries.filter(object_type="member").values_list("unit_path", flat=True)) == {
        tree.kim_tan.path,
        tree.na_lang.path,
    }
    nam = entries.get(object_repr="Hoàng Văn Nam")
    assert nam.actor == people.commune_officer
    assert nam.after["role"] == "Tổ trưởng" and nam.after["phone"] == "0987654321"
    assert entries.get(object_type="team", object_repr="Tổ CNS Na Lang").unit_path == tree.na_lang.path


def test_reimporting_the_same_file_creates_no_duplicates(tree):
    data = roster_file(
        row(name="Hoàng Văn Nam", role="Tổ trưởng", phone="0987654321", year=1980),
        row(name="Lý Thị Hoa", year=1995),
        row(name="Lý Thị Hoa", year=1962, smartphone="không"),
    )
    apply_roster(read_roster(data))
    entries = AuditEntry.objects.count()
    again = apply_roster(read_roster(data))
    assert (len(again.to_create), len(again.to_update), again.unchanged) == (0, 0, 3)
    assert not again.teams_to_create and not again.errors
    assert Member.objects.count() == 3 and Team.objects.count() == 1
    assert AuditEntry.objects.count() == entries  # nothing changed, nothing audited


def test_changed_cells_update_the_member_and_blank_cells_keep_what_is_there(rosters):
    data = roster_file(
        row(
            village="Tổ dân phố Cốc Lếu",
            name="LÒ THỊ MAI",  # the same name in other capitals: the spelling is taken from the file
            role="Tổ phó",
            phone="0912345679",
            affiliation=None,
            smartphone="không",
        )
    )
    result = apply_roster(read_roster(data))
    assert (len(result.to_create), len(result.to_update), result.unchanged) == (0, 1, 0)
    rosters.member.refresh_from_db()
    assert rosters.member.full_name == "LÒ THỊ MAI"
    assert rosters.member.role == MemberRole.DEPUTY and rosters.member.has_smartphone is False
    # Blank cells: birth year and affiliation stay as they were.
    assert rosters.member.birth_year == 1998 and rosters.member.affiliation == Affiliation.YOUTH_UNION
    entry = AuditEntry.objects.get(action="import", object_id=str(rosters.member.pk))
    assert entry.before["role"] == "Thành viên" and entry.after["role"] == "Tổ phó"
    assert entry.unit_path == rosters.coc_leu.unit.path


def test_a_row_without_team_name_goes_to_the_villages_only_team(rosters):
    result = apply_roster(read_roster(roster_file(row(village="Tổ dân phố Cốc Lếu", name="Đỗ Văn Mới"))))
    assert not result.teams_to_create
    assert Member.objects.current().get(full_name="Đỗ Văn Mới").team == rosters.coc_leu


def test_a_phone_filled_in_later_updates_the_member_instead_of_adding_one(rosters):
    # Sùng Mí Páo (1980) has no phone yet; the commune adds it.
    data = roster_file(
        row(code="00721", village="Thôn Lũng Cú", name="Sùng Mí Páo", year=1980, phone="0977111222")
    )
    result = apply_roster(read_roster(data))
    assert (len(result.to_create), len(result.to_update)) == (0, 1)
    assert current(rosters.lung_cu) == {
        ("Sùng Mí Páo", "0977111222", 1980, MemberRole.MEMBER, Affiliation.OTHER, False)
    }


def test_a_phone_typed_as_a_number_gets_its_leading_zero_back(tree):
    result = read_roster(
        roster_file(
            row(phone=912345678),
            row(name="Lê Thị Bích", phone=9.87654321e8),
            row(name="Vũ Văn Tám", phone=841234567),  # 084 is a mobile prefix too
            row(name="Đào Thị Chín", phone=84912000111),  # +84 written as a number
        )
    )
    assert not result.errors
    assert [item.phone for item in result.to_create] == [
        "0912345678",
        "0987654321",
        "0841234567",
        "0912000111",
    ]


def test_former_members_are_not_matched(rosters):
    from tocns.teams.services import member_leaves

    member_leaves(actor=None, member=rosters.member)
    data = roster_file(row(village="Tổ dân phố Cốc Lếu", name="Lò Thị Mai", phone="0912345679"))
    result = apply_roster(read_roster(data))
    assert len(result.to_create) == 1  # she rejoins as a new current member; her old row stays
    assert Member.objects.filter(full_name="Lò Thị Mai").count() == 2


def test_header_matching_ignores_case_diacritics_order_extra_columns_and_title_rows(tree):
    data = xlsx_bytes(
        [
            ["DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"],
            [],
            ["STT", "SO DIEN THOAI", "ho ten", "Ghi chú", "THÔN", "xã", "Năm sinh (*)", "vai tro"],
            [
                1,
                "0987654321",
                "Hoàng Văn Nam",
                "đi vắng",
                "tổ dân phố kim tân",
                "Phường Lào Cai",
                1980,
                "TỔ TRƯỞNG",
            ],
            [2, None, None, None, None, None, None, None],  # a numbered but empty line
        ]
    )
    result = read_roster(data)
    assert not result.errors and result.rows_read == 1
    [item] = result.to_create
    assert item.row == 4  # errors name the row as Excel numbers it, title rows included
    assert (item.full_name, item.phone, item.birth_year, item.role) == (
        "Hoàng Văn Nam",
        "0987654321",
        1980,
        MemberRole.LEADER,
    )
    assert item.plan.village == tree.kim_tan


def test_commune_name_is_found_with_or_without_its_prefix(tree):
    data = roster_file(
        row(code=None, commune="Mường Khương", village="Thôn Na Lang", name="A"),
        row(code=None, commune="xa muong khuong", village="Thôn Na Lang", name="B"),
        row(code=None, commune="Xã Mường Khương", village="Thôn Na Lang", name="C"),
    )
    result = read_roster(data)
    assert not result.errors
    assert {item.plan.village for item in result.to_create} == {tree.na_lang}


def test_only_the_required_columns_are_needed(tree):
    data = xlsx_bytes(
        [["Xã", "Thôn", "Họ và tên"], ["Phường Lào Cai", "Tổ dân phố Kim Tân", "Hoàng Văn Nam"]]
    )
    result = apply_roster(read_roster(data))
    assert result.written
    assert current(Team.objects.get(unit=tree.kim_tan)) == {
        ("Hoàng Văn Nam", "", None, MemberRole.MEMBER, Affiliation.OTHER, False)
    }


# One test per kind of bad row. Each file has a good first row, so the error is the row's own.


def assert_only_error(rows, row_number, *fragments, allowed_paths=None):
    result = read_roster(
        roster_file(row(name="Người Tốt", phone="0900111222"), *rows), allowed_paths=allowed_paths
    )
    messages = errors_of(result)
    assert set(messages) == {row_number}, messages
    for fragment in fragments:
        assert fragment in messages[row_number]
    return result


def test_unknown_commune_code_is_an_error(tree):
    assert_only_error([row(code="99999")], 3, "Cột A (Mã xã): không có xã/phường/đặc khu nào mang mã “99999”")


def test_unknown_commune_name_is_an_error(tree):
    assert_only_error(
        [row(code=None, commune="Xã Không Có")],
        3,
        "Cột B (Xã): không có xã/phường/đặc khu nào tên “Xã Không Có”",
    )


def test_a_row_without_commune_is_an_error(tree):
    assert_only_error([row(code=None, commune=None)], 3, "Thiếu mã xã hoặc tên xã")


def test_a_commune_name_shared_by_two_provinces_asks_for_the_code(tree):
    from tocns.conftest import make_unit
    from tocns.units.models import UnitKind

    make_unit("99001", "Phường Lào Cai", UnitKind.COMMUNE, tree.tuyen_quang)
    assert_only_error(
        [row(code=None, commune="Phường Lào Cai")], 3, "Cột B (Xã): có 2 xã/phường/đặc khu tên", "mã xã"
    )


def test_a_village_of_another_commune_is_an_error(tree):
    assert_only_error(
        [row(village="Thôn Lũng Cú")],
        3,
        "Cột C (Thôn): Phường Lào Cai chưa có thôn “Thôn Lũng Cú”",
    )


def test_a_row_without_village_is_an_error(tree):
    assert_only_error([row(village=None)], 3, "Cột C (Thôn): thiếu tên thôn")


def test_a_row_without_name_is_an_error(tree):
    assert_only_error([row(name=None, phone="0900333444")], 3, "Cột E (Họ và tên): thiếu họ và tên")


def test_a_bad_phone_is_an_error(tree):
    assert_only_error(
        [row(phone="12345")], 3, "Cột G (Số điện thoại): “12345” không phải số điện thoại hợp lệ"
    )


def test_the_same_phone_twice_in_one_team_is_an_error(tree):
    assert_only_error([row(name="Người Khác", phone="0900 111 222")], 3, "0900111222 đã có ở dòng 2")


def test_the_same_phone_in_two_teams_is_fine(tree):
    result = read_roster(
        roster_file(row(phone="0900111222"), row(village="Tổ dân phố Cốc Lếu", phone="0900111222"))
    )
    assert not result.errors and len(result.to_create) == 2


def test_a_phone_already_held_by_another_current_member_is_an_error(rosters):
    # 0912345679 is Lò Thị Mai's: a different name with it is another person (families share phones).
    assert_only_error(
        [row(village="Tổ dân phố Cốc Lếu", name="Lò Văn Khác", phone="0912345679")],
        3,
        "Số điện thoại 0912345679 đã là của thành viên Lò Thị Mai trong tổ",
    )


def test_a_known_name_with_another_phone_is_an_error(rosters):
    assert_only_error(
        [row(village="Tổ dân phố Cốc Lếu", name="Lò Thị Mai", phone="0933000000")],
        3,
        "Tổ đã có thành viên Lò Thị Mai với số 0912345679",
    )


def test_the_same_person_twice_without_phone_is_an_error(tree):
    assert_only_error([row(name="Ma Văn Lự", year=1990), row(name="ma van lu")], 4, "Trùng người ở dòng 3")


def test_two_rows_about_the_same_member_are_an_error(rosters):
    # Vừ Thị Dua has no birth year on the roster: both rows fit her, though they disagree with each other.
    add_member(actor=None, team=rosters.coc_leu, full_name="Vừ Thị Dua")
    assert_only_error(
        [
            row(village="Tổ dân phố Cốc Lếu", name="Vừ Thị Dua", year=1990),
            row(village="Tổ dân phố Cốc Lếu", name="Vừ Thị Dua", year=1991),
        ],
        4,
        "Dòng 3 cũng là thành viên Vừ Thị Dua đã có trong tổ",
    )


def test_a_name_shared_by_two_members_without_phone_in_the_row_is_an_error(rosters):
    add_member(actor=None, team=rosters.coc_leu, full_name="Lò Thị Mai", phone="0933000000")
    assert_only_error(
        [row(village="Tổ dân phố Cốc Lếu", name="Lò Thị Mai")],
        3,
        "Tổ có 2 thành viên tên Lò Thị Mai, hãy ghi số điện thoại hoặc năm sinh",
    )


def test_two_leaders_in_one_team_in_the_file_is_an_error(tree):
    assert_only_error(
        [row(name="Trưởng Một", role="Tổ trưởng"), row(name="Trưởng Hai", role="tổ trưởng")],
        4,
        "Cột F (Vai trò): “Tổ trưởng”: tổ đã có tổ trưởng ở dòng 3",
    )


def test_a_leader_in_the_file_when_the_team_has_another_leader_is_an_error(rosters):
    assert_only_error(
        [row(village="Tổ dân phố Cốc Lếu", name="Trưởng Mới", role="Tổ trưởng")],
        3,
        "Cột F (Vai trò): “Tổ trưởng”: tổ đã có tổ trưởng Nguyễn Văn Tổ",
    )


def test_the_file_may_hand_leadership_over(rosters):
    data = roster_file(
        row(village="Tổ dân phố Cốc Lếu", name="Lò Thị Mai", phone="0912345679", role="Tổ trưởng"),
        row(village="Tổ dân phố Cốc Lếu", name="Nguyễn Văn Tổ", phone="0912345678", role="Thành viên"),
    )
    result = apply_roster(read_roster(data))
    assert result.written and len(result.to_update) == 2
    leaders = Member.objects.current().filter(team=rosters.coc_leu, role=MemberRole.LEADER)
    assert list(leaders.values_list("full_name", flat=True)) == ["Lò Thị Mai"]


def test_the_current_leader_listed_again_as_leader_is_fine(rosters):
    data = roster_file(
        row(village="Tổ dân phố Cốc Lếu", name="Nguyễn Văn Tổ", phone="0912345678", role="Tổ trưởng")
    )
    result = read_roster(data)
    assert not result.errors and result.unchanged == 1


@pytest.mark.parametrize("year", ["năm 90", 1890, 2030, "19.5", 1985.5])
def test_a_bad_birth_year_is_an_error(tree, year):
    assert_only_error([row(year=year)], 3, "Năm sinh", "không hợp lệ", "1920", "2015")


def test_a_birth_date_in_the_year_column_gives_its_year(tree):
    result = read_roster(roster_file(row(year=datetime.datetime(1984, 5, 17))))
    assert result.to_create[0].birth_year == 1984


def test_an_unknown_role_is_an_error(tree):
    assert_only_error([row(role="Chủ tịch")], 3, "Cột F (Vai trò): “Chủ tịch” không phải vai trò trong tổ")


def test_an_unknown_affiliation_is_kept_as_other_with_its_words_and_a_warning(tree):
    result = read_roster(roster_file(row(affiliation="Chi hội người cao tuổi")))
    assert not result.errors
    (item,) = result.to_create
    assert (item.affiliation, item.affiliation_note) == (Affiliation.OTHER, "Chi hội người cao tuổi")
    ((warning_row, message),) = [(w.row, w.message) for w in result.warnings]
    assert warning_row == 2 and message.startswith("Cột I (Thành phần): “Chi hội người cao tuổi”")
    apply_roster(result)
    member = Member.objects.get(full_name=item.full_name)
    assert (member.affiliation, member.affiliation_note) == (Affiliation.OTHER, "Chi hội người cao tuổi")


def test_affiliations_are_matched_as_rosters_write_them_and_never_swapped(tree):
    result = read_roster(
        roster_file(
            # How "Trưởng thôn" was labelled until the party secretary got a choice of their own.
            row(name="A", affiliation="TRUONG THON/BI THU CHI BO"),
            row(name="B", affiliation="bí thư chi bộ"),
            row(name="C", affiliation="cong an vien"),
            row(name="D", affiliation="Trưởng thôn"),
            row(name="E", affiliation="Hội nông dân"),
            row(name="F", affiliation="Hợp tác xã"),
            row(name="G", affiliation="Y tế thôn bản"),
        )
    )
    assert not result.warnings
    assert [item.affiliation for item in result.to_create] == [
        Affiliation.VILLAGE_HEAD,
        Affiliation.PARTY,
        Affiliation.POLICE,
        Affiliation.VILLAGE_HEAD,
        Affiliation.FARMERS_UNION,
        Affiliation.BUSINESS,
        Affiliation.VILLAGE_HEALTH,
    ]


@pytest.mark.parametrize(
    "value, expected",
    [("có", True), ("X", True), ("yes", True), (1, True), ("Không", False), ("no", False), (0, False)],
)
def test_smartphone_accepts_the_usual_ways_to_say_yes_and_no(tree, value, expected):
    assert read_roster(roster_file(row(smartphone=value))).to_create[0].has_smartphone is expected


def test_an_unreadable_smartphone_value_is_an_error(tree):
    assert_only_error([row(smartphone="chắc có")], 3, "Cột J (Điện thoại thông minh): “chắc có” không rõ")


def test_a_village_with_two_active_teams_needs_the_team_name(rosters, tree):
    create_team(actor=None, unit=tree.coc_leu, name="Tổ CNS Cốc Lếu 2")
    assert_only_error([row(village="Tổ dân phố Cốc Lếu")], 3, "có 2 tổ, hãy ghi tên tổ")


def test_a_team_is_found_by_its_folded_name_even_when_dissolved(rosters):
    update_team(actor=None, team=rosters.coc_leu, status=TeamStatus.DISSOLVED)
    result = read_roster(
        roster_file(row(village="Tổ dân phố Cốc Lếu", team="to cns coc leu", name="Người Mới"))
    )
    assert not result.errors and not result.teams_to_create
    assert result.to_create[0].team == rosters.coc_leu


def test_all_problems_of_a_row_are_named_together(tree):
    result = read_roster(roster_file(row(code="99999", name=None, phone="1", year="x")))
    message = errors_of(result)[2]
    for fragment in ("99999", "thiếu họ và tên", "số điện thoại", "năm sinh"):
        assert fragment in message


# Writing


def test_bad_rows_stop_everything_unless_told_to_skip_them(tree):
    data = roster_file(row(name="Người Tốt"), row(name="Người Xấu", phone="abc"), row(name="Người Tốt Hai"))
    result = apply_roster(read_roster(data))
    assert not result.written
    assert Member.objects.count() == 0 and Team.objects.count() == 0 and not AuditEntry.objects.exists()

    result = apply_roster(read_roster(data), skip_bad_rows=True)
    assert result.written and [e.row for e in result.errors] == [3]
    assert set(Member.objects.values_list("full_name", flat=True)) == {"Người Tốt", "Người Tốt Hai"}


def test_a_team_whose_rows_are_all_bad_is_not_created(tree):
    data = roster_file(row(name="Người Tốt"), row(code="02953", village="Thôn Na Lang", phone="abc"))
    result = apply_roster(read_roster(data), skip_bad_rows=True)
    assert [t.unit for t in result.teams_to_create] == [tree.kim_tan]
    assert not Team.objects.filter(unit=tree.na_lang).exists()


def test_rows_outside_the_users_units_are_errors(tree):
    data = roster_file(
        row(name="Trong Phạm Vi"),
        row(code="00721", village="Thôn Lũng Cú", name="Ngoài Tỉnh"),
        row(code="02953", village="Thôn Na Lang", name="Ngoài Xã"),
        row(code="00721", village="Thôn Không Có", name="Không Lộ Thôn"),
    )
    result = read_roster(data, allowed_paths=[tree.phuong_lao_cai.path])
    messages = errors_of(result)
    assert set(messages) == {3, 4, 5}
    assert "Cột A (Mã xã): “Xã Đồng Văn” không thuộc phạm vi bạn quản lý" in messages[3]
    assert "“Xã Mường Khương” không thuộc phạm vi" in messages[4]
    # Outside the scope, the file does not learn which villages exist.
    assert "không thuộc phạm vi" in messages[5] and "Thôn Không Có" not in messages[5]

    # A team leader's scope is one village: the commune's other villages are outside it.
    result = read_roster(
        roster_file(row(village="Tổ dân phố Cốc Lếu"), row(village="Tổ dân phố Kim Tân", name="Khác")),
        allowed_paths=[tree.coc_leu.path],
    )
    assert errors_of(result) == {3: "Cột C (Thôn): “Tổ dân phố Kim Tân” không thuộc phạm vi bạn quản lý"}


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Tệp trống"),
        (b"ma xa,thon,ho va ten\n02647,Kim Tan,A\n", "không phải là tệp Excel .xlsx"),
        (b"PK\x03\x04 not really a zip", "không phải là tệp Excel .xlsx"),
        (xlsx_bytes([]), "Tệp trống"),
        (xlsx_bytes([HEADERS]), "không có dòng dữ liệu"),
        (xlsx_bytes([["Thôn", "Ghi chú"], ["Kim Tân", 1]]), "Thiếu cột: Mã xã hoặc Xã, Họ và tên"),
    ],
    ids=["empty-bytes", "csv", "fake-zip", "empty-sheet", "header-only", "missing-columns"],
)
def test_unreadable_files_are_refused_with_a_vietnamese_reason(tree, data, message):
    with pytest.raises(ImportFileError) as error:
        read_roster(data)
    assert message in str(error.value)


class _Undo(Exception):
    pass


def test_the_number_of_queries_does_not_grow_with_the_rows(rosters):
    def queries(count):
        rows = [
            row(village=village, name=f"Người {village} {i}", phone=f"09{count:02d}{i:06d}")
            for i in range(count)
            for village in ("Tổ dân phố Cốc Lếu", "Tổ dân phố Kim Tân")
        ]
        rows.append(row(village="Tổ dân phố Cốc Lếu", name="Lò Thị Mai", phone="0912345679", role="Tổ phó"))
        # Each run starts from the same database: the second must not find the first one's team.
        with CaptureQueriesContext(connection) as context, contextlib.suppress(_Undo), transaction.atomic():
            result = apply_roster(read_roster(roster_file(*rows)))
            assert result.written and not result.errors
            assert (len(result.to_create), len(result.to_update)) == (2 * count, 1)
            raise _Undo
        return len(context.captured_queries)

    # 20 rows still fit one INSERT on SQLite (999 parameters a statement); past that, batches add queries.
    assert queries(3) == queries(20)


def test_import_audit_entries_have_the_same_form_as_the_services_ones(rosters):
    update_team(actor=None, team=rosters.coc_leu, decision_date=datetime.date(2025, 8, 1))
    member_snapshot = snapshotter(Member, IMPORT_AUDIT_FIELDS)
    team_snapshot = snapshotter(Team, TEAM_AUDIT_FIELDS)
    for member in (rosters.leader, rosters.member):
        assert member_snapshot(member) == audit.snapshot(member, IMPORT_AUDIT_FIELDS)
    assert team_snapshot(rosters.coc_leu) == audit.snapshot(rosters.coc_leu, TEAM_AUDIT_FIELDS)


def test_the_cycle_collector_is_back_on_after_an_import_even_a_refused_one(tree):
    assert gc.isenabled()
    apply_roster(read_roster(roster_file(row())))
    assert gc.isenabled()
    with pytest.raises(ImportFileError):
        read_roster(b"")
    assert gc.isenabled()


def test_villages_given_only_as_group_headings_place_their_rows(tree):
    """No village column: each village is a heading row over its members, as many communes lay it out."""
    data = xlsx_bytes(
        [
            ["DANH SÁCH THÀNH VIÊN TỔ CNS PHƯỜNG LÀO CAI"],
            ["STT", "Mã xã", "Họ và tên", "Số điện thoại"],
            ["I", "Tổ dân phố Kim Tân"],
            [1, "02647", "Đỗ Thị Hoa", "0977000111"],
            [2, "02647", "Lý Văn Sáu", "0977000112"],
            ["II. Tổ dân phố Cốc Lếu"],
            [1, "02647", "Hà Văn Bình", "0977000113"],
        ]
    )
    result = read_roster(data)
    assert not result.errors
    assert [(r.row, r.full_name, r.plan.village) for r in result.to_create] == [
        (4, "Đỗ Thị Hoa", tree.kim_tan),
        (5, "Lý Văn Sáu", tree.kim_tan),
        (7, "Hà Văn Bình", tree.coc_leu),
    ]

    # Neither a village column nor headings: the village column is asked for.
    with pytest.raises(MissingColumns) as asked:
        read_roster(xlsx_bytes([["Mã xã", "Họ và tên"], ["02647", "Đỗ Thị Hoa"]]))
    assert [key for key, _label in asked.value.missing] == ["village_name"]


def test_a_member_whose_position_reads_like_a_signature_is_not_the_end_of_the_table(tree):
    """ "Chủ tịch" is also a position in the village: a numbered row holding it is a member, and the rows
    after it are read."""
    data = xlsx_bytes(
        [
            ["STT", "Mã xã", "Thôn", "Họ và tên", "Thành phần"],
            [1, "02647", "Tổ dân phố Kim Tân", "Đỗ Thị Hoa", None],
            [2, None, None, "Lý Văn Sáu", "Chủ tịch"],
            [3, "02647", "Tổ dân phố Kim Tân", "Hà Văn Bình", None],
            [None, None, None, "Người lập biểu", None],
            [None, None, None, "Nguyễn Văn Ký", None],
        ]
    )
    result = read_roster(data)
    assert [e.row for e in result.errors] == [3]  # no village on that row: an error, not the end
    assert [r.full_name for r in result.to_create] == ["Đỗ Thị Hoa", "Hà Văn Bình"]
    assert [w.row for w in result.warnings] == []
