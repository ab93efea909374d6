"""How fast the roster import is on a province-sized file, against the cost of just reading the .xlsx.

Everything runs for real in this process and is thrown away afterwards: a temp ``TOCNS_VAR_DIR`` with a
new SQLite database (or, with ``--database-url``, a database ``tocns_bench_<random>`` created on that
PostgreSQL server and dropped at the end), ``migrate``, the official provinces and communes, synthetic
villages for enough communes, and a synthetic roster (Vietnamese names, 4-10 members a team, one leader and
one deputy each, about 1 in 10 without a phone) saved as .xlsx laid out as ``--layout`` says:

* ``excel`` (the default, the goal's): as Excel saves a sheet: every text in the shared-string table, numbers
  as numbers, blank cells left out, the sheet's size (``<dimension>``) first, each row with its span;
* ``libreoffice``: the openpyxl file opened and saved again by LibreOffice (``soffice --headless
  --convert-to xlsx``, needs LibreOffice): an office program's own file, whose rows carry more attributes;
* ``openpyxl``: openpyxl's write-only mode: every text inline, no size up front. This was the default
  until issue 25: openpyxl's read-only load (the floor) takes about 3x as long on it as on Excel's layout
  (it sizes such a sheet by walking it first, and inline text costs more to parse), which inflated the floor
  and flattered the ratio.

Measured in ``--rounds`` rounds (3 by default), each running the floors and the import in turn, which goes
first alternating, so both meet the same machine load; between rounds (untimed) what the import wrote is
deleted and the database vacuumed, so every round imports into a database with no teams or members:

a. floor     - openpyxl ``load_workbook(read_only=True)`` iterating every row with ``values_only``:
               the least any import of this file can cost. Measured twice: as is, and with Python's
               cycle collector off, because read_roster and apply_roster turn it off while they run
               (it costs openpyxl too); the ratio is taken against the faster of the two, so the
               import gets no credit for the collector. The same rows in the other layout (``openpyxl``,
               or ``excel`` when that is the one measured) are read too, collector off, to show the two
               layouts' parse times side by side;
b. read      - ``read_roster`` (the dry run: reading, checking every row, loading what rows refer to);
c. apply     - ``apply_roster`` into a database with no teams or members (creates every team, member
               and audit entry);
then once, after the last round:
d. re-import - ``read_roster`` + ``apply_roster`` of the same file again: every row unchanged;
e. export    - ``export_roster`` of every province that has teams (not part of the goal; shown so the
               way back is measured too).

Printed: the median wall time of each over the rounds with its range, and the CPU seconds of this process
(on SQLite the database works in this process too; PostgreSQL's work is not in it).

Goal: (b) + (c) within 3x the (faster) floor for 100,000 rows on a file laid out as Excel saves it, judged
on the median of the rounds' own ratios and printed as PASS/FAIL with it; other row counts and layouts print
the same line as SHOWN, not judged. Exit status 2 when the import did not do what it should (errors, wrong
counts), 1 when the bench failed (a traceback), 0 otherwise, whether or not the goal was met.

Run from the project root:

    .venv/bin/python bench/import_members.py
    .venv/bin/python bench/import_members.py --rows 20000 --rounds 5
    .venv/bin/python bench/import_members.py --layout libreoffice
    .venv/bin/python bench/import_members.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._support import throwaway_instance  # noqa: E402  (bench runs as a script)
from bench._timing import verdict  # noqa: E402

GOAL = 3.0
GOAL_ROWS = 100_000  # a province's whole roster
SHEET = "Danh sách tổ CNS"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Lò", "Giàng", "Sùng", "Vàng", "Lý", "Hà"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thị Thu", "A", "Seo", "Mí", "Quang", "Ngọc", "Thanh"]
GIVEN = ["An", "Bình", "Chiến", "Dua", "Hoa", "Hùng", "Lan", "Mai", "Nam", "Páo", "Súa", "Tủa", "Vân", "Xuân"]
VILLAGE_FIRST = ["Na", "Nậm", "Pả", "Lũng", "Khe", "Sín", "Phìn", "Cốc", "Séo", "Tả", "Mường", "Hồng"]
VILLAGE_SECOND = ["Lang", "Chải", "Pồ", "Hạ", "Thượng", "Mồ", "Xuân", "Đồng", "Vàng", "Sen", "Cang", "Ngài"]
AFFILIATIONS = [
    "Trưởng thôn / Bí thư chi bộ",
    "Đoàn thanh niên",
    "Hội phụ nữ",
    "Công an",
    "Bưu điện / viễn thông",
    "Giáo viên",
    "Người có uy tín",
    "Khác",
]


def make_villages(rows: int, rng: random.Random) -> list:
    """Villages for as many communes as a `rows`-member roster needs (about 7 members a village)."""
    from tocns.units.models import Unit, UnitKind
    from tocns.units.services import new_unit, village_code

    needed = rows // 6 + 1  # a margin: team sizes are random
    communes = list(Unit.objects.filter(kind=UnitKind.COMMUNE).order_by("code"))
    villages = []
    for commune in communes:
        names = set()
        for number in range(1, rng.randint(8, 16) + 1):
            name = f"Thôn {rng.choice(VILLAGE_FIRST)} {rng.choice(VILLAGE_SECOND)}"
            if name in names:
                name = f"{name} {number}"
            names.add(name)
            villages.append(
                new_unit(
                    code=village_code(commune, number),
                    name=name,
                    kind=UnitKind.VILLAGE,
                    parent=commune,
                    division_type="thôn",
                    households=rng.randint(60, 400),
                )
            )
        if len(villages) >= needed:
            break
    Unit.objects.bulk_create(villages, batch_size=1000)
    return villages


def make_rows(villages: list, rows: int, rng: random.Random) -> list[list]:
    """The roster's rows under HEADERS: 4-10 members a team, a leader and a deputy each."""
    phones = rng.sample(range(10_000_000, 99_999_999), rows)
    written = []
    for village in villages:
        commune = village.parent
        size = min(rng.randint(4, 10), rows - len(written))
        names = set()
        for position in range(size):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            while name in names:  # one person per name in a team: rows without phone stay distinct
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            names.add(name)
            role = "Tổ trưởng" if position == 0 else "Tổ phó" if position == 1 else "Thành viên"
            written.append(
                [
                    commune.code,
                    commune.name,
                    village.name,
                    f"Tổ CNS {village.name}",
                    name,
                    role,
                    None if rng.random() < 0.1 else f"09{phones[len(written)]:08d}",
                    None if rng.random() < 0.05 else rng.randint(1960, 2005),
                    rng.choice(AFFILIATIONS),
                    "có" if rng.random() < 0.8 else "không",
                ]
            )
        if len(written) >= rows:
            return written
    raise RuntimeError(f"not enough villages for {rows} rows")


def openpyxl_file(rows: list[list]) -> bytes:
    """openpyxl's write-only mode: every text cell inline, no sheet size up front."""
    from openpyxl import Workbook

    from tocns.teams.roster_import import HEADERS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# What Excel (2010 and later) writes around a sheet's rows; the row and cell markup below is its own too.
EXCEL_SHEET_START = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="{MAIN_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    '<dimension ref="A1:{last}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><sheetData>'
)
EXCEL_SHEET_END = (
    '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    "</worksheet>"
)


def excel_file(rows: list[list]) -> bytes:
    """The same rows as Excel saves them: every text in the shared-string table (cells hold its index), numbers
    as numbers, blank cells left out, the sheet's size first, each row with its span. The parts around the
    sheet (workbook, styles, theme) are openpyxl's."""
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    from tocns.teams.roster_import import HEADERS

    letters = [get_column_letter(n) for n in range(1, len(HEADERS) + 1)]
    strings: dict[str, int] = {}
    references = 0
    out = []
    for number, values in enumerate([HEADERS, *rows], start=1):
        cells = []
        for letter, value in zip(letters, values, strict=False):
            if isinstance(value, str):
                references += 1
                cells.append(
                    f'<c r="{letter}{number}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>'
                )
            elif value is not None:
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        out.append(
            f'<row r="{number}" spans="1:{len(letters)}" x14ac:dyDescent="0.25">{"".join(cells)}</row>'
        )
    sheet = EXCEL_SHEET_START.format(last=f"{letters[-1]}{len(rows) + 1}") + "".join(out) + EXCEL_SHEET_END

    def item(text: str) -> str:
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f"<si><t{space}>{escape(text)}</t></si>"

    shared = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<sst xmlns="{MAIN_NS}" '
        f'count="{references}" uniqueCount="{len(strings)}">{"".join(item(t) for t in strings)}</sst>'
    )
    shell = zipfile.ZipFile(io.BytesIO(openpyxl_file([])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info in shell.infolist():
            body = shell.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = sheet.encode()
            elif info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/'
                    b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            package.writestr(info.filename, body)
        package.writestr("xl/sharedStrings.xml", shared.encode())
    return buffer.getvalue()


def libreoffice_file(rows: list[list]) -> bytes:
    """The openpyxl file opened and saved again by LibreOffice (``soffice --headless --convert-to xlsx``), with a
    profile of its own so that it neither touches nor waits for another LibreOffice running on the machine."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("--layout libreoffice needs LibreOffice's soffice on the PATH")
    with tempfile.TemporaryDirectory(prefix="tocns-bench-lo-") as folder:
        source = Path(folder, "roster.xlsx")
        source.write_bytes(openpyxl_file(rows))
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={Path(folder, 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(Path(folder, "out")),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        return Path(folder, "out", "roster.xlsx").read_bytes()


LAYOUTS = {
    "excel": (excel_file, "as Excel saves it (shared strings, numbers as numbers, size first)"),
    "libreoffice": (
        libreoffice_file,
        "as LibreOffice saves it (shared strings, size first, rows with attributes)",
    ),
    "openpyxl": (
        openpyxl_file,
        "as openpyxl's write-only mode writes it (every text inline, no size up front)",
    ),
}


def floor_without_gc(data: bytes) -> int:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return floor(data)
    finally:
        if was_enabled:
            gc.enable()


def floor(data: bytes) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    count = 0
    for _values in wb.worksheets[0].iter_rows(values_only=True):
        count += 1
    wb.close()
    return count - 1  # the header


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def reset(audit_mark: int) -> None:
    """Back to a database with no teams or members (untimed, between rounds): what apply_roster wrote goes."""
    from django.db import connection

    from tocns.audit.models import AuditEntry
    from tocns.teams.models import Member, Team

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id > %s", [audit_mark])
        cursor.execute(f"DELETE FROM {Member._meta.db_table}")
        cursor.execute(f"DELETE FROM {Team._meta.db_table}")
        # Empty tables again, not tables of dead rows, for the next round's writes.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "VACUUM")


def one_round(data: bytes, other: bytes, rows: int, floor_first: bool, problems: list[str]) -> dict:
    """The floors and the import of one round, in turn: {label: (wall seconds, CPU seconds of this process)}."""
    from tocns.teams.models import Member, Team
    from tocns.teams.roster_import import apply_roster, read_roster

    times = {}

    def timed_as(label, function, *args):
        cpu, start = time.process_time(), time.perf_counter()
        value = function(*args)
        times[label] = (time.perf_counter() - start, time.process_time() - cpu)
        return value

    def floors():
        counted = timed_as("floor", floor, data)
        timed_as("floor, no gc", floor_without_gc, data)
        timed_as("other layout", floor_without_gc, other)
        if counted != rows:
            problems.append(f"the file has {counted} data rows, expected {rows}")

    def subject():
        result = timed_as("read", read_roster, data)
        if result.errors or len(result.to_create) != rows:
            problems.append(f"read: {len(result.errors)} errors, {len(result.to_create)} to create")
        timed_as("apply", apply_roster, result)
        members, teams = Member.objects.count(), Team.objects.count()
        if not result.written or members != rows or teams != len(result.teams_to_create):
            problems.append(
                f"apply: written={result.written}, {members} members, {teams} teams in the database"
            )

    for part in (floors, subject) if floor_first else (subject, floors):
        part()
    return times


def run(rows: int, seed: int, layout: str, rounds: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max

    from tocns.audit.models import AuditEntry
    from tocns.teams.roster_import import apply_roster, read_roster
    from tocns.units.services import load_official_units

    rng = random.Random(seed)
    vendor = connection.vendor
    print(f"tocns roster import benchmark: {rows} rows, database {vendor}", flush=True)
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPU(s), {platform.machine()} {platform.system()}, "
        f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}",
        flush=True,
    )
    (_, setup_seconds) = timed(call_command, "migrate", verbosity=0)
    loaded, load_seconds = timed(load_official_units)
    villages, village_seconds = timed(make_villages, rows, rng)
    communes = len({v.parent_id for v in villages})
    table = make_rows(villages, rows, rng)
    write, described = LAYOUTS[layout]
    data, file_seconds = timed(write, table)
    other_layout = "excel" if layout == "openpyxl" else "openpyxl"
    other = LAYOUTS[other_layout][0](table)
    print(
        f"setup: migrate {setup_seconds:.1f} s; {loaded.created} official units {load_seconds:.1f} s; "
        f"{len(villages)} villages in {communes} communes {village_seconds:.1f} s; roster .xlsx "
        f"{len(data) / 1e6:.1f} MB written in {file_seconds:.1f} s, laid out {described}",
        flush=True,
    )
    audit_mark = AuditEntry.objects.aggregate(m=Max("pk"))["m"] or 0
    problems: list[str] = []
    samples: dict[str, list[tuple[float, float]]] = {}
    for round_ in range(rounds):
        if round_:
            reset(audit_mark)
        for label, value in one_round(data, other, rows, round_ % 2 == 0, problems).items():
            samples.setdefault(label, []).append(value)
        print(f"  round {round_ + 1} of {rounds} done, load average {os.getloadavg()[0]:.1f}", flush=True)

    # Once, after the last round: the same file again, then the way back.
    cpu, start = time.process_time(), time.perf_counter()
    again = read_roster(data)
    apply_roster(again)
    samples["again"] = [(time.perf_counter() - start, time.process_time() - cpu)]
    if again.unchanged != rows or again.to_create or again.to_update or again.errors:
        problems.append(
            f"re-import: {again.unchanged} unchanged, {len(again.to_create)} new, "
            f"{len(again.to_update)} updated, {len(again.errors)} errors"
        )
    from tocns.teams.roster_export import export_roster
    from tocns.units.models import Unit, UnitKind

    provinces = Unit.objects.filter(kind=UnitKind.PROVINCE, code__in={v.path.split("/")[1] for v in villages})
    cpu, start = time.process_time(), time.perf_counter()
    exported = sum(len(export_roster(province)) for province in provinces)
    samples["export"] = [(time.perf_counter() - start, time.process_time() - cpu)]

    def median(label, which=0):
        return statistics.median(value[which] for value in samples[label])

    def line(label, key, note=""):
        walls = [wall for wall, _cpu in samples[key]]
        spread = f"[{min(walls):.2f}-{max(walls):.2f}]" if len(walls) > 1 else ""
        print(
            f"  {label:<34} {median(key):>7.2f} {spread:<13} {rows / median(key):>8,.0f} {median(key, 1):>6.2f}"
            f"  {note}"
        )

    print(
        f"measured: {rounds} rounds, the floors and the import in turn (which goes first alternating), "
        "median wall [min-max], and this process's CPU seconds:"
    )
    print(f"  {'':<34} {'wall s':>7} {'[min-max]':<13} {'rows/s':>8} {'CPU s':>6}")
    line("(a) floor: openpyxl read-only", "floor", "load_workbook(read_only=True), values_only")
    line("(a) floor, cycle collector off", "floor, no gc", "the same, as the import runs it")
    line("(b) read_roster (dry run)", "read")
    line("(c) apply_roster into empty db", "apply", "teams + members + audit entries")
    line(f"    floor of the {other_layout} layout", "other layout", "same rows, cycle collector off")
    line("(d) re-import: read + apply", "again", "once, after the last round: every row unchanged")
    line("(e) export_roster, by province", "export", f"once, {len(provinces)} files, {exported / 1e6:.1f} MB")

    per_round = [
        (samples["read"][i][0] + samples["apply"][i][0])
        / min(samples["floor"][i][0], samples["floor, no gc"][i][0])
        for i in range(rounds)
    ]
    layouts = [samples["other layout"][i][0] / samples["floor, no gc"][i][0] for i in range(rounds)]
    ratio = statistics.median(per_round)
    cpu_ratio = statistics.median(
        (samples["read"][i][1] + samples["apply"][i][1])
        / min(samples["floor"][i][1], samples["floor, no gc"][i][1])
        for i in range(rounds)
    )
    print(
        f"  the {other_layout} layout's floor / this file's, per round: "
        + ", ".join(f"{x:.2f}x" for x in layouts)
    )
    subject = median("read") + median("apply")
    text = (
        f"(b)+(c) = {ratio:.2f}x the faster floor (median of the rounds' ratios: "
        + ", ".join(f"{x:.2f}x" for x in per_round)
        + f"; {subject:.2f} s against {min(median('floor'), median('floor, no gc')):.2f} s; in this process's "
        f"CPU {cpu_ratio:.2f}x): goal <= {GOAL:g}x on a file laid out as Excel saves it"
    )
    judged = layout == "excel" and rows >= GOAL_ROWS
    print(f"goal ({rows} rows, {vendor}, a file laid out {described}):")
    if judged:
        print("  " + verdict(ratio <= GOAL, text))
    else:
        print(f"  SHOWN  {text}; not judged: the goal is for {GOAL_ROWS:,} rows in the excel layout")
    if problems:
        print("IMPORT DID NOT DO WHAT IT SHOULD: " + "; ".join(problems))
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=GOAL_ROWS)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the floors and the import in turn")
    parser.add_argument(
        "--layout", choices=sorted(LAYOUTS), default="excel", help="how the .xlsx is laid out (see above)"
    )
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to use (a throwaway database is created on it and dropped afterwards)",
    )
    args = parser.parse_args(argv)
    if args.rows < 1 or args.rounds < 1:
        parser.error("--rows and --rounds must be at least 1")

    with throwaway_instance(args.database_url):
        return run(args.rows, args.seed, args.layout, args.rounds)


if __name__ == "__main__":
    sys.exit(main())
