from django.core.management import call_command
from django.core.management.base import BaseCommand

from tocns.accounts.models import User
from tocns.units.models import Unit


class Command(BaseCommand):
    help = "Lần chạy đầu: nạp danh mục đơn vị và dữ liệu mô phỏng nếu cơ sở dữ liệu còn trống. Lần sau: chỉ thêm bài cẩm nang và khóa tập huấn mới."

    def handle(self, *args, **options):
        if not Unit.objects.filter(is_official=True).exists():
            call_command("load_units", stdout=self.stdout)
        # New articles and courses shipped with a release are added; ones already there are left as
        # editors made them. Before the demo data, whose training records need the courses.
        call_command("load_handbook", stdout=self.stdout)
        call_command("load_courses", stdout=self.stdout)
        if not User.objects.exists():
            call_command("seed_demo", stdout=self.stdout)
