from django.core.management.base import BaseCommand

from tocns.handbook.content import load_content


class Command(BaseCommand):
    help = "Nạp các bài cẩm nang có sẵn (tocns/handbook/content/*.json); bài đã có thì giữ nguyên trừ khi --update."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="ghi đè bài đã có bằng nội dung trong tệp")

    def handle(self, *args, update, **options):
        counts = load_content(update=update)
        self.stdout.write(
            f"Cẩm nang: thêm {counts['created']}, cập nhật {counts['updated']}, giữ nguyên {counts['unchanged']} bài."
        )
