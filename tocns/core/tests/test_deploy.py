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
