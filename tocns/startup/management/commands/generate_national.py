import time

from django.core.management.base import BaseCommand, CommandError

from tocns.startup import national


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu mô phỏng toàn quốc để thử tải: 34 tỉnh, 3.321 xã thật, thôn/tổ/thành viên/báo cáo "
        "mô phỏng trong 12 tháng qua. Quy mô 1.0 ≈ 80.000 tổ, 400.000 thành viên, 10 triệu dòng kết quả."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, required=True, help="1.0 = cả nước (xem tocns/startup/national.py)"
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force",
            action="store_true",
            help="chạy cả khi cơ sở dữ liệu đã có tổ ở thôn thật (không mô phỏng)",
        )
        parser.add_argument(
            "--totals",
            choices=["sql", "rebuild"],
            default="sql",
            help="tính số liệu tổng hợp bằng INSERT … SELECT (mặc định) hay activities.totals.rebuild()",
        )

    def handle(self, *args, **options):
        if options["scale"] <= 0:
            raise CommandError("--scale phải lớn hơn 0.")
        expected = national.expected(options["scale"])
        self.stdout.write(
            f"scale {options['scale']:g}, seed {options['seed']}: about {expected['villages']:,.0f} villages, "
            f"{expected['teams']:,.0f} teams, {expected['members']:,.0f} members, "
            f"{expected['activities']:,.0f} activities, {expected['outcomes']:,.0f} outcomes"
        )
        start = time.perf_counter()
        try:
            steps = national.generate(
                scale=options["scale"],
                seed=options["seed"],
                force=options["force"],
                totals_by=options["totals"],
                log=lambda line: self.stdout.write(line),
            )
        except national.Refused as error:
            raise CommandError(str(error)) from None
        rows = sum(step.rows for step in steps)
        self.stdout.write(f"done: {rows:,} rows written in {time.perf_counter() - start:.1f} s")
