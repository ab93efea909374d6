"""manage.py start (what make run runs after installing): each step says what it did, and a second start
skips what has nothing to do: no migration, no new data, static files collected only when a source changed."""

import pytest
from django.core.management import call_command

from tocns.accounts.models import User
from tocns.startup.management.commands import serve, start
from tocns.units.models import Unit


@pytest.fixture
def static_dirs(settings, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "extra.css").write_text("body { color: black; }\n")
    settings.STATICFILES_DIRS = [sources]
    settings.STATIC_ROOT = tmp_path / "static"
    return sources


@pytest.fixture
def served(monkeypatch):
    """The server is bound (on a free port) but not run: the test goes on instead of serving forever."""
    bound = []

    def run(server, *, host, port, stdout):
        bound.append(server)
        server.close()

    monkeypatch.setattr(serve, "run", run)
    return bound


def run_start(capsys, *flags) -> str:
    call_command("start", "--port", "0", *flags)
    return capsys.readouterr().out


def test_first_start_does_each_step_and_the_second_skips_them(
    db, static_dirs, served, monkeypatch, capsys, settings
):
    monkeypatch.delenv("TOCNS_DEMO", raising=False)
    first = run_start(capsys, "--no-demo")
    for number in range(2, 6):
        assert f"[{number}/5]" in first
    assert "đã mới nhất" in first  # the test database is migrated already
    assert Unit.objects.filter(is_official=True).exists() and not User.objects.exists()
    assert "create_admin" in first
    assert (settings.STATIC_ROOT / "extra.css").is_file()
    assert len(served) == 1

    (settings.STATIC_ROOT / "extra.css").unlink()
    second = run_start(capsys, "--no-demo")
    assert "Gom tệp tĩnh… không đổi" in second
    assert not (settings.STATIC_ROOT / "extra.css").exists()  # not collected again
    assert "tạo mới" not in second  # official units not loaded again

    (static_dirs / "extra.css").write_text("body { color: navy; }\n")
    third = run_start(capsys, "--no-demo")
    assert "Gom tệp tĩnh… xong" in third
    assert "navy" in (settings.STATIC_ROOT / "extra.css").read_text()


def test_static_files_are_collected_again_when_the_collected_folder_is_gone(db, static_dirs, settings):
    call_command("collectstatic", interactive=False, verbosity=0)
    start.static_stamp_path().write_text(start.static_sources_digest())
    assert start.static_collected()
    for path in sorted(settings.STATIC_ROOT.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    settings.STATIC_ROOT.rmdir()
    assert not start.static_collected()


def test_the_digest_follows_names_and_contents(static_dirs):
    before = start.static_sources_digest()
    (static_dirs / "extra.css").write_text("body { color: navy; }\n")
    changed = start.static_sources_digest()
    (static_dirs / "extra.css").rename(static_dirs / "other.css")
    renamed = start.static_sources_digest()
    assert len({before, changed, renamed}) == 3


def test_no_migration_is_pending_on_a_migrated_database(db):
    assert start.unapplied_migrations() == 0
