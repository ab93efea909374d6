from django.core.management.base import BaseCommand, CommandError

from tocns.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sao lưu CSDL và mọi tệp tải lên (ảnh hoạt động, ảnh cẩm nang…) vào một tệp, kèm manifest và mã "
        "kiểm tra SHA-256 (docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="tệp sao lưu sẽ ghi, ví dụ tocns-2026-11-20.tar")

    def handle(self, *args, output, **options):
        def say(line):
            self.stdout.write(line)
            self.stdout.flush()

        try:
            backup(output, say=say)
        except BackupError as error:
            raise CommandError(str(error)) from error
