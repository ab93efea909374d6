import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Set by the browser tests for Playwright's event loop; a real deployment never has it.
NOT_IN_PRODUCTION = ["DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SECRET_KEY"]


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_like(**values):
    env = {key: value for key, value in os.environ.items() if key not in NOT_IN_PRODUCTION}
    return {**env, **values}


def test_check_deploy_is_clean_in_a_production_like_environment(tmp_path):
    env = production_like(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k8#Qv2-production-like-secret-key-with-enough-entropy-9f7c1e5a3b",
        DJANGO_ALLOWED_HOSTS="tocns.laocai.gov.vn",
        DJANGO_HTTPS="1",
        TOCNS_VAR_DIR=str(tmp_path),
    )
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_secret_key_is_refused_by_the_deploy_check(tmp_path):
    env = production_like(DJANGO_DEBUG="0", DJANGO_HTTPS="1", TOCNS_VAR_DIR=str(tmp_path))
    result = check_deploy(env)
    assert result.returncode != 0
    assert (
        "security.W009" in result.stdout + result.stderr or "security.W004" in result.stdout + result.stderr
    )


def test_an_env_file_copied_from_the_example_gives_the_defaults(tmp_path):
    """Every variable of .env.example set as written there (the optional ones empty), as an env file
    would set them: settings load and fall back to the laptop defaults instead of failing on DATABASE_URL=."""
    example = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            example[key.strip()] = value.strip()
    assert example["DATABASE_URL"] == "" and example["TOCNS_VAR_DIR"] == ""
    env = production_like(**example)
    env["TOCNS_VAR_DIR"] = str(tmp_path)  # the one change: the SQLite file goes to a temp dir, not var/
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tocns.settings'); django.setup(); "
        "from django.conf import settings as s; db = s.DATABASES['default']; "
        "print(db['ENGINE'], db['NAME'], s.STATIC_ROOT, bool(s.SECRET_KEY), sep='|')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    engine, name, static_root, has_key = result.stdout.strip().split("|")
    assert engine == "django.db.backends.sqlite3" and name == str(tmp_path / "tocns.sqlite3")
    assert static_root == str(tmp_path / "static") and has_key == "True"
    env["TOCNS_VAR_DIR"] = ""  # left empty too: the project's own var/
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("|")[1] == str(ROOT / "var" / "tocns.sqlite3")
