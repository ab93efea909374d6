from django.core.management.base import BaseCommand

from tocns.training.services import load_courses


class Command(BaseCommand):
    help = "Nạp các khóa tập huấn và câu hỏi kiểm tra có sẵn; khóa đã có được giữ nguyên trừ khi --update."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="ghi đè khóa đã có bằng nội dung trong tệp")

    def handle(self, *args, update, **options):
        counts = load_courses(update=update)
        self.stdout.write(
            f"Khóa tập huấn: thêm {counts['created']}, cập nhật {counts['updated']}, giữ nguyên {counts['unchanged']}."
        )
