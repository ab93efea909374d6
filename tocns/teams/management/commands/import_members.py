from tocns.core.import_command import ExcelImportCommand
from tocns.teams.roster_import import import_roster, read_roster


class Command(ExcelImportCommand):
    help = (
        "Nhập danh sách thành viên tổ CNS từ tệp Excel (cột: Mã xã hoặc Xã, Thôn, Tên tổ, Họ và tên, "
        "Vai trò, Số điện thoại, Năm sinh, Thành phần, Điện thoại thông minh)."
    )
    reader = read_roster
    importer = import_roster

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--create-villages",
            action="store_true",
            help="Tạo các thôn mà tệp ghi nhưng xã chưa có (kèm tổ và thành viên).",
        )

    def options(self, options: dict) -> dict:
        return {"create_villages": options["create_villages"]}

    def summary(self, result) -> str:
        text = (
            f"Đọc {result.rows_read} dòng: thêm mới {len(result.to_create)} thành viên, "
            f"cập nhật {len(result.to_update)}, không đổi {result.unchanged}, lỗi {len(result.errors)}; "
            f"tổ mới {len(result.teams_to_create)}."
        )
        if result.villages_to_create:
            done = "được tạo" if result.creates_villages else "thêm --create-villages để tạo"
            text += f" Thôn chưa có: {len(result.villages_to_create)} ({done})."
        return text
