import os

from django.conf import settings
from django.core.management.base import BaseCommand

from tocns.core.demo import DEMO_PASSWORD, demo_users


class Command(BaseCommand):
    help = "Chạy tocns bằng máy chủ WSGI waitress (không dùng runserver)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=int(os.environ.get("TOCNS_THREADS", "8")))

    def handle(self, *args, host, port, threads, **options):
        from waitress import serve

        from tocns.wsgi import application

        users = demo_users()
        if users:
            self.stdout.write("Tài khoản mô phỏng (đăng nhập bằng tên hoặc số điện thoại):")
            for username, phone, role, where in users:
                self.stdout.write(f"  {username:<16} {phone:<11} {role} — {where}")
            self.stdout.write(f"  Mật khẩu: {DEMO_PASSWORD}")
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        self.stdout.write(f"tocns đang chạy tại http://{host}:{port}/  (CSDL: {database}; Ctrl+C để dừng)")
        self.stdout.flush()
        serve(application, host=host, port=port, threads=threads, ident="tocns")
