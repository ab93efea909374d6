"""The shared shape of `manage.py import_*`: read, print row errors, write unless --dry-run, summarise."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from .excel import ImportFileError


class ExcelImportCommand(BaseCommand):
    reader = None  # read_*(data) -> result with rows_read, to_create, to_update, unchanged, errors
    # import_*(data, skip_bad_rows=...) -> the same result, written unless a row is bad: checks and writes
    # in one transaction under the import lock of the communes named (core.import_lock), so two commands
    # importing the same file at once add its people once.
    importer = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="Bỏ qua dòng lỗi, nhập các dòng hợp lệ."
        )

    def summary(self, result) -> str:
        raise NotImplementedError

    def options(self, options: dict) -> dict:
        """What the command's own arguments ask of the reader and importer."""
        return {}

    def handle(self, *args, file, dry_run, skip_bad_rows, **options):
        extra = self.options(options)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            if dry_run:
                result = type(self).reader(path.read_bytes(), **extra)
            else:
                result = type(self).importer(path.read_bytes(), skip_bad_rows=skip_bad_rows, **extra)
        except ImportFileError as exc:  # the file, a limit, or another import of the same commune running
            raise CommandError(str(exc)) from exc
        for error in result.errors:
            self.stderr.write(f"Dòng {error.row}: {error.message}")
        for warning in result.warnings:
            self.stderr.write(f"Dòng {warning.row} (lưu ý, vẫn nhập): {warning.message}")
        for cell in result.ignored_columns:
            self.stderr.write(f"Bỏ qua cột {cell}.")
        self.stdout.write(self.summary(result))
        if dry_run:
            self.stdout.write("Chạy thử: chưa ghi gì vào cơ sở dữ liệu.")
        elif result.written:
            skipped = f" (bỏ qua {len(result.errors)} dòng lỗi)" if result.errors else ""
            self.stdout.write(f"Đã ghi vào cơ sở dữ liệu{skipped}.")
        else:
            raise CommandError(
                "Không ghi gì vì có dòng lỗi. Sửa tệp, hoặc chạy lại với --skip-bad-rows để chỉ nhập các dòng hợp lệ."
            )
