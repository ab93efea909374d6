"""bootstrap loads the demo (users with a public password, fake teams) only when asked by name: --demo, or
TOCNS_DEMO=1 without a flag. Every test runs the real command on an empty database."""

import pytest
from django.core.management import call_command

from tocns.accounts.models import User
from tocns.handbook.models import Article
from tocns.teams.models import Team
from tocns.training.models import Course
from tocns.units.models import Unit


@pytest.fixture
def no_demo_env(monkeypatch):
    monkeypatch.delenv("TOCNS_DEMO", raising=False)


def assert_production_start(out: str) -> None:
    assert not User.objects.exists()
    assert not Team.objects.exists()
    assert not Unit.objects.filter(is_synthetic=True).exists()
    # What a real province needs is there all the same.
    assert Unit.objects.filter(is_official=True, kind="commune").count() > 3000
    assert Article.objects.exists() and Course.objects.exists()
    assert "create_admin --phone" in out and "Chưa có tài khoản" in out
    assert "tocns-demo" not in out


def assert_demo(out: str) -> None:
    demo_users = User.objects.filter(username__startswith="demo.")
    assert demo_users.count() == 5 and all(user.check_password("tocns-demo") for user in demo_users)
    assert Team.objects.count() > 500
    assert "tocns-demo" in out
    assert "create_admin" not in out


def test_without_flag_or_environment_there_is_no_demo(db, no_demo_env, capsys):
    call_command("bootstrap")
    assert_production_start(capsys.readouterr().out)


@pytest.mark.parametrize("value", ["0", "", "yes", "true"])
def test_tocns_demo_other_than_1_means_no_demo(db, monkeypatch, capsys, value):
    monkeypatch.setenv("TOCNS_DEMO", value)
    call_command("bootstrap")
    assert not User.objects.exists() and not Team.objects.exists()


def test_no_demo_wins_over_the_environment(db, monkeypatch, capsys):
    monkeypatch.setenv("TOCNS_DEMO", "1")
    call_command("bootstrap", "--no-demo")
    assert_production_start(capsys.readouterr().out)


def test_demo_flag_loads_the_demo(db, no_demo_env, capsys):
    call_command("bootstrap", "--demo")
    assert_demo(capsys.readouterr().out)


def test_tocns_demo_1_loads_the_demo(db, monkeypatch, capsys):
    monkeypatch.setenv("TOCNS_DEMO", "1")
    call_command("bootstrap")
    assert_demo(capsys.readouterr().out)


def test_demo_is_never_added_to_a_database_with_accounts(db, no_demo_env, capsys):
    User.objects.create(username="0912345678", full_name="Quản trị", phone="0912345678")
    call_command("bootstrap", "--demo")
    out = capsys.readouterr().out
    assert User.objects.count() == 1 and not Team.objects.exists()
    assert "create_admin" not in out


def test_demo_and_no_demo_together_are_refused(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("bootstrap", "--demo", "--no-demo")
