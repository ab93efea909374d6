from django.core.management.base import BaseCommand

from tocns.reports.totals import rebuild


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu tổng hợp từ các báo cáo hoạt động (sau khi nạp dữ liệu hàng loạt)."

    def handle(self, *args, **options):
        counts = rebuild()
        self.stdout.write(
            f"Đã tính lại: {counts['team_months']} dòng tổ-tháng, {counts['team_outcomes']} dòng kết quả, "
            f"{counts['areas']} dòng xã-tháng."
        )
