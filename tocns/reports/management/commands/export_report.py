from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tocns.reports import export, periods, wording
from tocns.units.models import Unit


class Command(BaseCommand):
    help = (
        "Xuất báo cáo kết quả hoạt động của một đơn vị (Excel .xlsx hoặc Word .docx), cùng số liệu với "
        "trang số liệu, tính cả mọi tổ của đơn vị."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã đơn vị, ví dụ 15 hoặc 02953")
        parser.add_argument("--period", default="", help="Kỳ: 2026-10, 2026-Q3 hoặc 2026 (mặc định: năm nay)")
        parser.add_argument(
            "--format", default="", help="xlsx hoặc docx (mặc định: theo đuôi tệp, hoặc xlsx)"
        )
        parser.add_argument("--output", default="", help="Đường dẫn tệp (mặc định: bao-cao-<mã>-<kỳ>.<đuôi>)")

    def handle(self, *args, **options):
        unit = Unit.objects.select_related("parent").typed_code(options["unit"])
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
        try:
            period = periods.parse(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        output = Path(options["output"]) if options["output"] else None
        fmt = (options["format"] or (output.suffix.lstrip(".") if output else "") or "xlsx").lower()
        if fmt not in export.CONTENT_TYPES:
            raise CommandError(f"Định dạng “{fmt}” không hỗ trợ: dùng xlsx hoặc docx.")
        board = export.build_dashboard(unit, period, export.system_teams(unit), whole=True)
        output = output or Path(export.filename(board, fmt))
        try:
            output.write_bytes(
                export.render(board, fmt, with_phones=True)
            )  # run by the server's administrator
        except OSError as error:
            raise CommandError(f"Không ghi được tệp {output}: {error.strerror}") from None
        self.stdout.write(f"Đã ghi {output.resolve()}")
        self.stdout.write(
            f"{unit.name}, {period.label}: {wording.vn_number(board.reports)} báo cáo, "
            f"{wording.vn_number(board.completed)} lượt hoàn thành, "
            f"{wording.vn_number(board.teams)} tổ, trong đó {wording.vn_number(board.working)} tổ đang hoạt động."
        )
