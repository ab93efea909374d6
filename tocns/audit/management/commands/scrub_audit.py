from django.core.management.base import BaseCommand

from tocns.audit import retention


class Command(BaseCommand):
    help = (
        "Xóa thông tin cá nhân (tên, số điện thoại, năm sinh…) khỏi các mục nhật ký cũ hơn thời hạn lưu của "
        "tỉnh (mặc định 5 năm); mục nhật ký vẫn giữ việc đã làm và thời điểm. Chạy hằng ngày."
    )

    def handle(self, *args, **options):
        done = retention.scrub_expired()
        self.stdout.write(f"Đã xóa thông tin cá nhân khỏi {done} mục nhật ký quá thời hạn lưu.")
