from django.core.management.base import BaseCommand

from tocns.startup.demo import DEMO_PASSWORD, demo_users, seed_demo


class Command(BaseCommand):
    help = "Tạo dữ liệu mô phỏng: tỉnh Lào Cai (xã thật), thôn mô phỏng và một tài khoản cho mỗi vai trò."

    def handle(self, *args, **options):
        result = seed_demo()
        self.stdout.write(
            f"Đã tạo {result['villages']} thôn và {result['teams']} tổ mô phỏng; xã mẫu: {result['commune']}."
        )
        for username, phone, role, where in demo_users():
            self.stdout.write(f"  {username:<16} {phone:<11} {role} — {where}")
        self.stdout.write(f"Mật khẩu chung của tài khoản mô phỏng: {DEMO_PASSWORD}")
