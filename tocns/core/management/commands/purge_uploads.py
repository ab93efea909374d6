import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from tocns.core.import_flow import purge_uploads


class Command(BaseCommand):
    help = (
        "Xóa các tệp Excel đã tải lên để nhập nhưng không được xác nhận hay hủy sau "
        "TOCNS_IMPORT_UPLOAD_MAX_AGE_HOURS giờ (mặc định 24). Chạy hằng ngày (cron hoặc systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=None,
            help="Xóa tệp cũ hơn số giờ này (mặc định: TOCNS_IMPORT_UPLOAD_MAX_AGE_HOURS).",
        )

    def handle(self, *args, hours, **options):
        hours = settings.IMPORT_UPLOAD_MAX_AGE_HOURS if hours is None else hours
        deleted = purge_uploads(max_age=datetime.timedelta(hours=hours))
        self.stdout.write(f"Đã xóa {deleted} tệp tải lên cũ hơn {hours} giờ.")
