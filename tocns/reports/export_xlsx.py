"""A unit's dashboard as an .xlsx of every figure (see export)."""

from django.utils.translation import gettext as _

from tocns.core.excel_write import Sheet, write_workbook

from . import selectors


def build_xlsx(board: selectors.Dashboard, *, with_phones: bool = False) -> bytes:
    coverage = board.coverage
    summary = [
        [_("Đơn vị"), board.unit.name],
        [_("Kỳ báo cáo"), board.period.label],
        [_("Từ ngày"), board.period.start],
        [_("Đến ngày"), board.period.end],
        [_("Báo cáo"), board.reports],
        [_("Lượt người được hỗ trợ"), board.people],
        [_("Lượt hoàn thành dịch vụ"), board.completed],
        [_("Thôn có tổ"), coverage.villages_with_team],
        [_("Tổng số thôn"), coverage.villages],
        [_("Thành viên"), coverage.members],
        [_("Số tổ"), board.teams],
        *([_("Tổ %(state)s") % {"state": label.lower()}, n] for _key, label, n in board.classes),
        [_("Tổ đang hoạt động (Hiệu quả, Đạt, Chưa hiệu quả)"), board.working],
    ]
    services = [
        [
            s.service.short_name,
            s.guided,
            s.completed,
            s.target,
            round(100 * s.share_of_target, 1) if s.share_of_target is not None else None,
        ]
        for s in board.services
    ]
    months = [[f"{month:%m/%Y}", n] for month, n in board.months]
    classes = [[label, n] for _key, label, n in board.classes] + [[_("Cộng"), board.teams]]
    children = [
        [
            rank,
            row.label,
            row.completed,
            row.reports,
            row.teams,
            row.effective,
            row.paper,
            row.villages_with_team if row.unit else None,
            row.villages if row.unit else None,
        ]
        for rank, row in enumerate(board.children, start=1)
    ]
    contacts = selectors.follow_up_contacts(board.follow_up, with_phones=with_phones)
    follow_up = []
    for s in board.follow_up:
        contact = contacts[s.team.pk]
        row = [s.team.name, contact.commune, contact.village, contact.leader]
        row += [contact.phone] if with_phones else []
        follow_up.append(row + [s.class_label, s.score, s.last_report, "; ".join(s.reasons)])
    follow_up_header = [_("Tổ"), _("Xã/phường"), _("Thôn/tổ dân phố"), _("Tổ trưởng")]
    follow_up_header += [_("Điện thoại")] if with_phones else []
    follow_up_header += [_("Mức"), _("Điểm"), _("Báo cáo gần nhất"), _("Lý do")]
    follow_up_widths = [32, 24, 24, 24] + ([14] if with_phones else []) + [16, 8, 16, 70]
    return write_workbook(
        [
            Sheet(_("Tổng hợp"), [_("Chỉ tiêu"), _("Giá trị")], summary, [30, 40], grouped=True),
            Sheet(
                _("Theo dịch vụ"),
                [_("Dịch vụ"), _("Được hướng dẫn"), _("Hoàn thành"), _("Chỉ tiêu"), _("% chỉ tiêu")],
                services,
                [26, 16, 14, 12, 12],
                grouped=True,
            ),
            Sheet(_("Theo tháng"), [_("Tháng"), _("Báo cáo")], months, [12, 12], grouped=True),
            Sheet(_("Hiệu quả"), [_("Mức"), _("Số tổ")], classes, [20, 10], grouped=True),
            Sheet(
                _("Đơn vị trực thuộc"),
                [
                    _("Hạng"),
                    _("Đơn vị"),
                    _("Hoàn thành"),
                    _("Báo cáo"),
                    _("Tổ"),
                    _("Hiệu quả"),
                    _("Chỉ trên giấy"),
                    _("Thôn có tổ"),
                    _("Số thôn"),
                ],
                children,
                [7, 34, 12, 10, 8, 10, 13, 11, 9],
                grouped=True,
            ),
            Sheet(
                _("Tổ cần theo dõi"),
                follow_up_header,
                follow_up,
                follow_up_widths,
                grouped=True,
            ),
        ]
    )
