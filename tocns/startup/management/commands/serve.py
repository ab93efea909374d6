import logging
import os

from django.conf import settings
from django.core.management.base import BaseCommand

from tocns.startup.demo import DEMO_PASSWORD, demo_users


def listen(*, host: str, port: int, threads: int, stdout):
    """The WSGI server bound to its address (not yet serving), after printing the demo sign-ins if any."""
    from waitress import create_server

    from tocns.wsgi import application

    users = demo_users()
    if users:
        stdout.write("Tài khoản mô phỏng (đăng nhập bằng tên hoặc số điện thoại):")
        for username, phone, role, where in users:
            stdout.write(f"  {username:<16} {phone:<11} {role} — {where}")
        stdout.write(f"  Mật khẩu: {DEMO_PASSWORD}")
    logging.basicConfig()  # waitress reports its errors through logging, as waitress.serve() sets up
    return create_server(application, host=host, port=port, threads=threads, ident="tocns")


def run(server, *, host: str, port: int, stdout) -> None:
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    stdout.write(f"tocns đang chạy tại http://{host}:{port}/  (CSDL: {database}; Ctrl+C để dừng)")
    stdout.flush()
    try:
        server.run()
    except KeyboardInterrupt:
        stdout.write("Đã dừng.")
    finally:
        server.close()


class Command(BaseCommand):
    help = "Chạy tocns bằng máy chủ WSGI waitress (không dùng runserver)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=int(os.environ.get("TOCNS_THREADS", "8")))

    def handle(self, *args, host, port, threads, **options):
        server = listen(host=host, port=port, threads=threads, stdout=self.stdout)
        run(server, host=host, port=port, stdout=self.stdout)
