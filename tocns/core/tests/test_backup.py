"""manage.py backup / restore: a site restored into an empty database and media folder serves its photos and
handbook images again; a damaged archive, a target with data and another migration state are refused.

Runs on SQLite (target: a temp file) and on PostgreSQL (target: a throwaway database on the same server)."""

import contextlib
import datetime
import io
import json
import secrets
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from tocns.core import backup as backups


@pytest.fixture
def site(transactional_db, tree, people, rosters):
    """A report with a real photo and a members' handbook article with a real step image. Committed:
    pg_dump reads the database from another connection."""
    from tocns.activities.photos import add_photo
    from tocns.activities.services import OutcomeInput, ReportInput, file_report
    from tocns.activities.tests.images import jpeg_bytes
    from tocns.handbook.services import ArticleInput, save_article, set_step_image

    activity, _created = file_report(
        actor=people.team_member,
        report_id=uuid.uuid4(),
        data=ReportInput(
            team=rosters.coc_leu.pk, date=timezone.localdate(), outcomes=[OutcomeInput("vneid", 3, 2)]
        ),
    )
    upload = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    photo = add_photo(actor=people.team_member, activity=activity, upload=upload)
    article = save_article(
        actor=None,
        data=ArticleInput(
            slug="kich-hoat-vneid",
            title="Kích hoạt VNeID",
            summary="…",
            kind="guide",
            audience="members",
            last_checked=datetime.date(2026, 11, 20),
            steps=["Mở ứng dụng", "Quét mã"],
        ),
        publish=True,
    )
    upload = SimpleUploadedFile("b.jpg", jpeg_bytes(size=(320, 200)), content_type="image/jpeg")
    step = set_step_image(actor=None, step=article.steps.get(number=1), upload=upload)
    return {
        "photo_url": f"/hoat-dong/{activity.pk}/anh/{photo.pk}.jpg",
        "photo": Path(photo.image.path).read_bytes(),
        "image_url": f"/cam-nang/{article.slug}/anh/1.jpg",
        "image": Path(step.image.path).read_bytes(),
        "viewer": people.team_member.username,
    }


def row_counts() -> dict[str, int]:
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@contextlib.contextmanager
def empty_database(tmp_path):
    """The default connection pointed at a new database with no tables while inside; dropped afterwards."""
    current = connections["default"]
    settings_dict = dict(current.settings_dict)
    dropped = None
    if current.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        import psycopg

        name = f"tocns_restore_{secrets.token_hex(4)}"
        params = {
            "dbname": current.settings_dict["NAME"],
            "user": settings_dict["USER"] or None,
            "password": settings_dict["PASSWORD"] or None,
            "host": settings_dict["HOST"] or None,
            "port": settings_dict["PORT"] or None,
        }
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

        def dropped():
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        settings_dict["NAME"] = name
    target = type(current)(settings_dict, "default")
    connections["default"] = target
    try:
        yield
    finally:
        target.close()
        connections["default"] = current
        if dropped:
            dropped()


def serve(site) -> tuple:
    from tocns.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=site["viewer"]))
    photo = client.get(site["photo_url"])
    image = client.get(site["image_url"])
    return photo, image


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_restore_into_an_empty_database_serves_photos_and_handbook_images(site, tmp_path, settings):
    archive = tmp_path / "site.tar"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "Đã ghi" in out.getvalue()
    before = row_counts()
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["tables"] == before
    assert manifest["database"]["vendor"] == connection.vendor
    assert len(manifest["files"]) == 2
    assert sorted(f["size"] for f in manifest["files"]) == sorted([len(site["photo"]), len(site["image"])])

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with empty_database(tmp_path):
        assert connection.introspection.table_names() == []
        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)
        assert "Số dòng khớp" in out.getvalue()
        assert row_counts() == before
        photo, image = serve(site)
        assert photo.status_code == 200
        assert body(photo) == site["photo"]
        assert image.status_code == 200
        assert body(image) == site["image"]
    assert not list(tmp_path.glob(".tocns-restore-*")), "the staging folder is removed"


@pytest.mark.parametrize(
    ("damaged", "refusal"), [("photo", "SHA-256"), ("database", "SHA-256"), ("truncated", "bị hỏng")]
)
def test_damaged_archive_is_refused_and_changes_nothing(site, tmp_path, settings, damaged, refusal):
    archive = tmp_path / "site.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    data = bytearray(archive.read_bytes())
    if damaged == "truncated":
        data = data[: len(data) // 2]
    else:
        with tarfile.open(archive) as tar:
            member = next(
                m
                for m in tar.getmembers()
                if m.name.startswith("media/" if damaged == "photo" else "database")
            )
        data[member.offset_data + member.size // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    before, files = row_counts(), media_files(Path(settings.MEDIA_ROOT))

    with pytest.raises(CommandError, match=refusal):
        call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert row_counts() == before
    assert media_files(Path(settings.MEDIA_ROOT)) == files
    assert not list(tmp_path.glob(".tocns-restore-*")), "the staging folder is removed"


def test_target_with_data_is_refused_without_force(site, tmp_path, settings):
    archive = tmp_path / "site.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    from tocns.handbook.models import Article

    Article.objects.filter(slug="kich-hoat-vneid").update(title="Sửa sau khi sao lưu")
    before = row_counts()

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert row_counts() == before
    assert Article.objects.get(slug="kich-hoat-vneid").title == "Sửa sau khi sao lưu"

    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert Article.objects.get(slug="kich-hoat-vneid").title == "Kích hoạt VNeID"
    photo, image = serve(site)
    assert (photo.status_code, image.status_code) == (200, 200)
    assert body(photo) == site["photo"]
    set_aside = list(Path(settings.MEDIA_ROOT).parent.glob("media.cu-*"))
    assert len(set_aside) == 1, "the old media folder is kept beside the new one"


def rewrite(archive: Path, change) -> None:
    """The archive with its manifest changed by `change` and SHA256SUMS made again to fit."""
    import hashlib

    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    members["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n"
        for name, data in members.items()
        if name != "SHA256SUMS"
    ).encode()
    with tarfile.open(archive, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_archive_of_another_migration_state_is_refused(site, tmp_path, settings):
    archive = tmp_path / "site.tar"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    rewrite(archive, lambda manifest: manifest["migrations"]["reports"].append("9999_from_the_future"))
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with empty_database(tmp_path):
        with pytest.raises(CommandError, match="reports.9999_from_the_future") as refused:
            call_command("restore", str(archive), stdout=io.StringIO())
        assert "migration" in str(refused.value)
        assert connection.introspection.table_names() == []
    assert not Path(settings.MEDIA_ROOT).exists()


def test_failed_backup_leaves_no_file(site, tmp_path, monkeypatch):
    def vanished(media_root):
        return [(media_root / "khong-co.jpg", "khong-co.jpg")]

    monkeypatch.setattr(backups, "_media_files", vanished)
    archive = tmp_path / "out" / "site.tar"
    archive.parent.mkdir()
    with pytest.raises(FileNotFoundError):
        call_command("backup", output=str(archive), stdout=io.StringIO())
    assert list(archive.parent.iterdir()) == []
