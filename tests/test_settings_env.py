"""The environment variables of settings.py: documented, and safe in production."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "partybuild" / "settings.py"


def variables_read_by_settings() -> set[str]:
    """Names passed to os.environ.get / os.getenv / os.environ[...] / env_* helpers."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            reads_env = (
                (isinstance(func, ast.Name) and func.id.startswith("env_"))
                or (isinstance(func, ast.Attribute) and func.attr == "getenv")
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "get"
                    and isinstance(func.value, ast.Attribute)
                    and func.value.attr == "environ"
                )
            )
            if reads_env and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def settings_under(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter where only `env` sets partybuild variables."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_", "PARTYBUILD_"))}
    code = (
        "import json, partybuild.settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'secure_cookie': s.SESSION_COOKIE_SECURE, "
        "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
        "'hosts': s.ALLOWED_HOSTS, 'engine': s.DATABASES['default']['ENGINE'], "
        "'static': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_the_settings_read_a_known_set_of_variables():
    assert {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DATABASE_URL"} <= variables_read_by_settings()


@pytest.mark.parametrize("name", sorted(variables_read_by_settings()))
def test_every_variable_read_by_settings_is_explained_in_env_example(name):
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert re.search(rf"^#?\s*{name}=", example, re.MULTILINE), f"{name} missing in .env.example"


@pytest.mark.parametrize("name", sorted(variables_read_by_settings()))
def test_every_variable_read_by_settings_is_in_the_readme_settings_table(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| `{name}` |" in readme, f"{name} missing in README's settings table"


def test_production_refuses_to_start_without_a_secret_key():
    result = settings_under({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_with_a_secret_key_turns_on_https_protections():
    result = settings_under({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50,
                             "DJANGO_ALLOWED_HOSTS": "dangjian.example.gov.cn"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["secure_cookie"] is True
    assert values["ssl_redirect"] is True
    assert values["hsts"] == 31536000
    assert values["hosts"] == ["dangjian.example.gov.cn"]
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_database_url_selects_postgresql():
    result = settings_under({"DATABASE_URL": "postgres://partybuild@db.internal:5432/partybuild"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["engine"] == "django.db.backends.postgresql"



def deploy_check(secret_key: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` as an operator runs it, with production settings."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_", "PARTYBUILD_"))}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "partybuild.settings", "DJANGO_DEBUG": "0",
           "DJANGO_SECRET_KEY": secret_key, "DJANGO_ALLOWED_HOSTS": "dangjian.example.gov.cn"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deployment_check_without_a_warning():
    result = deploy_check("k3#v9!Qm2@zL7pX&eR4tY8uI0oP6aS1dF5gH_jK-lZ=xCn8bV2mW4qE7")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_weak_secret_key_fails_the_deployment_check():
    result = deploy_check("short")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
