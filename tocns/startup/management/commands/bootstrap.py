import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from tocns.accounts.models import User
from tocns.units.models import Unit

FIRST_ADMIN_HINT = (
    "Chưa có tài khoản nào. Tạo quản trị viên đầu tiên bằng lệnh:\n"
    '  python manage.py create_admin --phone 09xxxxxxxx --name "Họ và tên"'
)


def demo_wanted(demo: bool | None) -> bool:
    """--demo / --no-demo when given; otherwise TOCNS_DEMO=1 alone asks for the demo. Read at run time
    (not in settings) because `make run` decides it from the same variable for the same start."""
    if demo is not None:
        return demo
    return os.environ.get("TOCNS_DEMO", "").strip() == "1"


def add_demo_arguments(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--demo",
        dest="demo",
        action="store_true",
        default=None,
        help="nạp dữ liệu mô phỏng và tài khoản mẫu (mật khẩu công khai) nếu CSDL chưa có tài khoản nào",
    )
    group.add_argument(
        "--no-demo",
        dest="demo",
        action="store_false",
        default=None,
        help="không bao giờ nạp dữ liệu mô phỏng (máy chủ thật)",
    )


class Command(BaseCommand):
    help = (
        "Nạp danh mục đơn vị chính thức (nếu chưa có), bài cẩm nang và khóa tập huấn mới. Dữ liệu mô phỏng chỉ "
        "được nạp khi yêu cầu: --demo, hoặc TOCNS_DEMO=1 khi không có --demo/--no-demo."
    )

    def add_arguments(self, parser):
        add_demo_arguments(parser)

    def handle(self, *args, demo=None, **options):
        if not Unit.objects.filter(is_official=True).exists():
            call_command("load_units", stdout=self.stdout)
        # New articles and courses shipped with a release are added; ones already there are left as
        # editors made them. Before the demo data, whose training records need the courses.
        call_command("load_handbook", stdout=self.stdout)
        call_command("load_courses", stdout=self.stdout)
        if User.objects.exists():
            return
        if demo_wanted(demo):
            call_command("seed_demo", stdout=self.stdout)
        else:
            # A production database: no account has a known password until its administrator makes one.
            self.stdout.write(FIRST_ADMIN_HINT)
