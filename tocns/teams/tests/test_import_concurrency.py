"""Two imports of the same roster at once add its people once; a re-import recognises them (issue 23, item 4).

On PostgreSQL these run with real transactions (transactional_db) and one database connection per thread, as
two officers' requests would. SQLite's test database lives in memory with one cache shared by the threads,
where a second writer is answered "table is locked" at once instead of waiting as on a database file; there
two `manage.py import_members` processes run against a throwaway SQLite file (last test), as on a server."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client

from tocns.conftest import xlsx_bytes
from tocns.core.import_lock import ImportBusyError
from tocns.teams import roster_import
from tocns.teams.models import Member, Team
from tocns.units.models import Unit, UnitKind
from tocns.units.services import new_unit

ROOT = Path(__file__).resolve().parents[3]
threads_need_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database shares one cache between threads (see the module's docstring)",
)
HEADER = ["Mã xã", "Thôn", "Tên tổ", "Họ và tên", "Vai trò", "Số điện thoại", "Năm sinh"]
VILLAGES = 10


@pytest.fixture
def villages(transactional_db, tree):
    """Ten villages of Phường Lào Cai with no team yet: each import row creates its team the first time."""
    made = [
        new_unit(
            code=f"02647-{n + 10:03d}",
            name=f"Tổ dân phố Số {n}",
            kind=UnitKind.VILLAGE,
            parent=tree.phuong_lao_cai,
            households=100,
        )
        for n in range(VILLAGES)
    ]
    Unit.objects.bulk_create(made)
    return made


def roster(villages, members=300) -> bytes:
    """300 rows over 10 new teams; every third person has no phone (matched by name and birth year)."""
    rows = [HEADER]
    for n in range(members):
        village = villages[n % VILLAGES]
        phone = "" if n % 3 == 0 else f"0977{n:06d}"
        role = "Tổ trưởng" if n < VILLAGES else "Thành viên"
        rows.append(["02647", village.name, "", f"Người Thứ {n}", role, phone, 1960 + n % 40])
    return xlsx_bytes(rows)


def run_together(*jobs):
    """Run the jobs in threads started at the same moment; each closes its own database connection."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as exc:  # reported to the test below
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return outcomes


@pytest.fixture
def slow_writes(monkeypatch):
    """Each import pauses before writing, as a 300-row import over a slow link would: without a lock both
    would have read an empty roster by the time either writes."""
    real = roster_import.apply_roster

    def slow(*args, **kwargs):
        threading.Event().wait(0.4)
        return real(*args, **kwargs)

    monkeypatch.setattr(roster_import, "apply_roster", slow)


def officer_client(people) -> Client:
    client = Client()
    client.force_login(people.commune_officer)
    return client


@threads_need_postgresql
def test_two_officers_confirming_the_same_roster_at_once_add_it_once(villages, people, slow_writes):
    data = roster(villages)
    clients = [officer_client(people), officer_client(people)]
    for client in clients:
        preview = client.post("/to/nhap/", {"file": SimpleUploadedFile("ds.xlsx", data)})
        assert len(preview.context["result"].to_create) == 300

    outcomes = run_together(
        *(lambda c=client: c.post("/to/nhap/xac-nhan/", follow=True) for client in clients)
    )

    assert all(getattr(o, "status_code", None) == 200 for o in outcomes), outcomes
    texts = sorted(o.text for o in outcomes)
    assert any("thêm mới 300 thành viên" in t for t in texts)
    assert any("thêm mới 0 thành viên" in t for t in texts)  # the second saw the first's rows
    assert Member.objects.filter(team__unit__parent=villages[0].parent).count() == 300
    assert Team.objects.filter(unit__in=villages).count() == VILLAGES


@threads_need_postgresql
def test_two_command_line_imports_at_once_add_the_file_once(villages, tmp_path, slow_writes):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(roster(villages))

    outcomes = run_together(*(lambda: call_command("import_members", str(path)) for _ in range(2)))

    assert outcomes == [None, None]
    assert Member.objects.filter(team__unit__in=villages).count() == 300
    assert Team.objects.filter(unit__in=villages).count() == VILLAGES


@threads_need_postgresql
def test_an_import_waits_for_another_of_the_same_commune(villages, people, monkeypatch):
    """The second import's check runs only after the first has committed: it reads the first's rows."""
    data = roster(villages, members=30)
    first_writing, order = threading.Event(), []
    real_apply, real_check = roster_import.apply_roster, roster_import.check_roster

    def apply(result, **kwargs):
        order.append(("apply", len(result.to_create)))
        first_writing.set()
        threading.Event().wait(0.5)  # the other import starts meanwhile and must wait
        return real_apply(result, **kwargs)

    def check(raw, **kwargs):
        result = real_check(raw, **kwargs)
        order.append(("check", len(result.to_create)))
        return result

    monkeypatch.setattr(roster_import, "apply_roster", apply)
    monkeypatch.setattr(roster_import, "check_roster", check)

    def second():
        first_writing.wait(30)
        return roster_import.import_roster(data)

    run_together(lambda: roster_import.import_roster(data), second)

    assert order == [("check", 30), ("apply", 30), ("check", 0), ("apply", 0)]
    assert Member.objects.filter(team__unit__in=villages).count() == 30


@threads_need_postgresql
def test_an_import_is_told_when_another_holds_the_commune_too_long(villages, settings):
    """Past the wait, the second import is refused in Vietnamese and writes nothing."""
    settings.IMPORT_LOCK_WAIT_SECONDS = 1
    data = roster(villages, members=20)
    holding, release = threading.Event(), threading.Event()

    def hold():
        from django.db import transaction

        from tocns.core.import_lock import lock_communes

        with transaction.atomic():
            lock_communes([villages[0].parent_id])  # on SQLite the transaction itself holds the lock
            holding.set()
            release.wait(30)

    def second():
        holding.wait(30)
        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:  # the busy timeout is SQLite's wait (20 s in settings)
                    cursor.execute("PRAGMA busy_timeout = 300")
            return roster_import.import_roster(data)
        finally:
            release.set()

    outcomes = run_together(hold, second)

    assert isinstance(outcomes[1], ImportBusyError), outcomes
    assert str(outcomes[1]) == "Đang có một lần nhập khác cho xã này, vui lòng thử lại sau."
    assert not Member.objects.filter(team__unit__in=villages).exists()


def test_reimporting_the_same_file_adds_nothing(villages):
    data = roster(villages)
    first = roster_import.import_roster(data)
    assert (len(first.to_create), len(first.teams_to_create)) == (300, VILLAGES)

    again = roster_import.import_roster(data)

    assert (len(again.to_create), len(again.to_update), again.unchanged) == (0, 0, 300)
    assert again.teams_to_create == []
    assert Member.objects.filter(team__unit__in=villages).count() == 300


def test_reimport_recognises_people_by_normalised_phone_and_by_name_and_birth_year(villages):
    village = villages[0].name
    roster_import.import_roster(
        xlsx_bytes(
            [
                HEADER,
                ["02647", village, "", "Vàng Thị Súa", "Thành viên", "0977000001", 1990],
                ["02647", village, "", "Giàng A Páo", "Thành viên", "", 1985],
            ]
        )
    )

    again = roster_import.import_roster(
        xlsx_bytes(
            [
                HEADER,
                # The phone written another way, the name in other case and without diacritics.
                ["2647", village, "", "vang thi sua", "Thành viên", "+84 977 000 001", 1990],
                ["02647", village, "", "GIÀNG A PÁO", "Thành viên", None, 1985],
            ]
        )
    )

    assert again.to_create == []
    assert Member.objects.filter(team__unit=villages[0]).count() == 2


SETUP = """
from tocns.units.models import Unit, UnitKind
from tocns.units.services import new_unit
province = new_unit(code="15", name="Lào Cai", kind=UnitKind.PROVINCE, parent=None)
province.save()
commune = new_unit(code="02647", name="Phường Lào Cai", kind=UnitKind.COMMUNE, parent=province)
commune.save()
for n in range(10):
    new_unit(code=f"02647-{n + 10:03d}", name=f"Tổ dân phố Số {n}", kind=UnitKind.VILLAGE, parent=commune).save()
"""
COUNT = """
from tocns.teams.models import Member, Team
print(Member.objects.count(), Team.objects.count())
"""


def test_two_import_processes_on_a_sqlite_file_add_the_file_once(tmp_path):
    """Two `manage.py import_members` of the same 3,000 rows started together (the issue: 5,992 members)."""
    env = {**os.environ, "TOCNS_VAR_DIR": str(tmp_path), "DATABASE_URL": "", "TOCNS_DEMO": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def manage(*args, **kwargs):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, **kwargs
        )

    assert manage("migrate", "-v", "0").returncode == 0
    assert manage("shell", "-c", SETUP).returncode == 0
    villages = [type("V", (), {"name": f"Tổ dân phố Số {n}"}) for n in range(VILLAGES)]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(roster(villages, members=3000))

    command = [sys.executable, "manage.py", "import_members", str(path)]
    both = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in "ab"
    ]
    outputs = [p.communicate(timeout=120) for p in both]

    assert [p.returncode for p in both] == [0, 0], outputs
    summaries = sorted(out.decode() for out, _err in outputs)
    assert "thêm mới 0 thành viên" in summaries[0] and "thêm mới 3000 thành viên" in summaries[1]
    assert manage("shell", "-c", COUNT).stdout.split()[-2:] == ["3000", str(VILLAGES)]


def test_a_sqlite_import_is_told_when_the_database_stays_locked(tmp_path):
    import sqlite3

    env = {
        **os.environ,
        "TOCNS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "TOCNS_IMPORT_LOCK_WAIT_SECONDS": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True}
    assert subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], **run).returncode == 0
    assert subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], **run).returncode == 0
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes([HEADER, ["02647", "Tổ dân phố Số 1", "", "Lò Văn A", "", "", 1990]]))

    holder = sqlite3.connect(tmp_path / "tocns.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holding the database
    try:
        done = subprocess.run([sys.executable, "manage.py", "import_members", str(path)], timeout=60, **run)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert done.returncode == 1
    assert "Đang có một lần nhập khác cho xã này, vui lòng thử lại sau." in done.stderr
