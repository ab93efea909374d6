from django.core.management.base import BaseCommand

from tocns.units.services import load_official_units


class Command(BaseCommand):
    help = "Nạp danh mục 34 tỉnh/thành phố và 3.321 xã/phường/đặc khu (QĐ 19/2025/QĐ-TTg). Chạy lại không tạo trùng."

    def handle(self, *args, **options):
        result = load_official_units()
        self.stdout.write(
            f"Đơn vị chính thức: tạo mới {result.created}, đổi tên {result.renamed}, không đổi {result.unchanged}."
        )
