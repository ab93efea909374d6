from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tocns.teams.roster_import import ImportFileError, apply_roster, read_roster


class Command(BaseCommand):
    help = (
        "Nhập danh sách thành viên tổ CNS từ tệp Excel (cột: Mã xã hoặc Xã, Thôn, Tên tổ, Họ và tên, "
        "Vai trò, Số điện thoại, Năm sinh, Thành phần, Điện thoại thông minh)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="Bỏ qua dòng lỗi, nhập các dòng hợp lệ."
        )

    def handle(self, *args, file, dry_run, skip_bad_rows, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        try:
            result = read_roster(path.read_bytes())
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for error in result.errors:
            self.stderr.write(f"Dòng {error.row}: {error.message}")
        if not dry_run:
            apply_roster(result, skip_bad_rows=skip_bad_rows)
        self.stdout.write(
            f"Đọc {result.rows_read} dòng: thêm mới {len(result.to_create)} thành viên, "
            f"cập nhật {len(result.to_update)}, không đổi {result.unchanged}, lỗi {len(result.errors)}; "
            f"tổ mới {len(result.teams_to_create)}."
        )
        if dry_run:
            self.stdout.write("Chạy thử: chưa ghi gì vào cơ sở dữ liệu.")
        elif result.written:
            skipped = f" (bỏ qua {len(result.errors)} dòng lỗi)" if result.errors else ""
            self.stdout.write(f"Đã ghi vào cơ sở dữ liệu{skipped}.")
        else:
            raise CommandError(
                "Không ghi gì vì có dòng lỗi. Sửa tệp, hoặc chạy lại với --skip-bad-rows để chỉ nhập các dòng hợp lệ."
            )
