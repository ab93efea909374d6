from tocns.core.import_command import ExcelImportCommand
from tocns.units.village_import import import_villages, read_villages


class Command(ExcelImportCommand):
    help = "Nhập danh sách thôn/bản/tổ dân phố từ tệp Excel (cột: Mã xã, Tên thôn, Số hộ)."
    reader = read_villages
    importer = import_villages

    def summary(self, result) -> str:
        return (
            f"Đọc {result.rows_read} dòng: thêm mới {len(result.to_create)}, cập nhật {len(result.to_update)}, "
            f"không đổi {result.unchanged}, lỗi {len(result.errors)}."
        )
