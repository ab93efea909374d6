from django.core.management.base import BaseCommand

from tocns.activities import services
from tocns.activities.totals import rebuild


class Command(BaseCommand):
    help = (
        "Tính lại toàn bộ số liệu tổng hợp từ các báo cáo hoạt động (sau khi nạp dữ liệu hàng loạt). "
        "Liệt kê các báo cáo có số vượt giới hạn 10.000 (gửi trước khi có giới hạn); --reset-over-limit "
        "đưa các số đó về 0 (ghi nhật ký, giữ giá trị cũ) trước khi tính lại."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--over-limit",
            action="store_true",
            help="chỉ liệt kê các báo cáo có số vượt giới hạn, không tính lại",
        )
        parser.add_argument(
            "--reset-over-limit",
            action="store_true",
            help="đưa các số vượt giới hạn về 0 (ghi nhật ký với giá trị cũ), rồi tính lại",
        )

    def handle(self, *args, **options):
        reports = list(services.over_limit())
        if reports:
            self.stdout.write(
                f"{len(reports)} báo cáo có số vượt giới hạn {services.MAX_COUNT:,} một báo cáo:".replace(
                    ",", "."
                )
            )
            for activity in reports:
                self.stdout.write(f"  {activity.pk}  {_describe(activity)}")
        elif options["over_limit"] or options["reset_over_limit"]:
            self.stdout.write("Không có báo cáo nào có số vượt giới hạn.")
        if options["over_limit"]:
            return
        if reports and options["reset_over_limit"]:
            changed = services.reset_over_limit()
            self.stdout.write(f"Đã đưa về 0 các số vượt giới hạn của {changed} báo cáo (xem nhật ký).")
        elif reports:
            self.stdout.write(
                "Các báo cáo này vẫn được tính; sửa chúng, hoặc chạy lại với --reset-over-limit."
            )
        counts = rebuild()
        self.stdout.write(
            f"Đã tính lại: {counts['team_months']} dòng tổ-tháng, {counts['team_outcomes']} dòng kết quả, "
            f"{counts['areas']} dòng xã-tháng."
        )


def _describe(activity) -> str:
    limit = services.MAX_COUNT
    figures = [
        f"số người được hỗ trợ {activity.people_reached}" if activity.people_reached > limit else "",
        f"số hộ {activity.households_reached}" if activity.households_reached > limit else "",
    ] + [
        f"{o.service}: {o.guided} được hướng dẫn, {o.completed} hoàn thành"
        for o in activity.outcomes.all()
        if o.guided > limit
    ]
    sender = activity.created_by.get_username() if activity.created_by_id else "—"
    return f"{activity.team.name}, ngày {activity.date:%d/%m/%Y}, người gửi {sender}: " + "; ".join(
        f for f in figures if f
    )
