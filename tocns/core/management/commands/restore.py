from django.core.management.base import BaseCommand, CommandError

from tocns.core.backup import BackupError
from tocns.core.restore import restore


class Command(BaseCommand):
    help = (
        "Khôi phục CSDL và tệp tải lên từ một tệp của lệnh backup: kiểm tra mã SHA-256 và trạng thái "
        "migration trước khi ghi gì (docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="tệp do manage.py backup tạo")
        parser.add_argument(
            "--force",
            action="store_true",
            help="thay cả khi CSDL hoặc thư mục ảnh đã có dữ liệu (thư mục ảnh cũ được giữ lại bên cạnh)",
        )

    def handle(self, *args, archive, force, **options):
        def say(line):
            self.stdout.write(line)
            self.stdout.flush()

        try:
            restore(archive, force=force, say=say)
        except BackupError as error:
            raise CommandError(str(error)) from error
