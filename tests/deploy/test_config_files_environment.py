"""The example environment file of deploy/, checked without bringing the topology up.

It names every variable the portal reads (settings.py and gunicorn.conf.py) and nothing else,
as README's table does; both systemd and bash read it as it says; left unchanged it refuses to
start, filled in it passes the deployment checklist, and its commented defaults are the
defaults. The nginx site is checked in test_config_files_nginx.py, the systemd units in
test_config_files_systemd.py.
"""

import ast
import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import environ

from tests.pactportal.test_security import run_manage
from tests.pactportal.test_settings import SECRET, run_python

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "pactportal" / "settings.py"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
EXAMPLE = ROOT / "deploy" / "pactportal.env.example"
README = ROOT / "README.md"

# What the example must be filled in with before the portal starts.
FILLED_IN = {"SECRET_KEY": SECRET, "ALLOWED_HOSTS": "pact.example.eu,www.pact.example.eu"}

# --- Which variables the portal reads -------------------------------------------------------

# env.str("NAME", ...), env.int(\n    "NAME", ...), env.db_url("NAME", ...)
SETTINGS_READ = re.compile(r'env\.\w+\(\s*"([A-Z_]+)"')
GUNICORN_READ = re.compile(r'_env\("(\w+)"')
GUNICORN_DIRECT_READ = re.compile(r'os\.(?:environ\.get|getenv)\(\s*"(GUNICORN_\w+)"')
# django-environ's methods that parse a value given to them instead of reading a variable.
ENV_PARSERS = {"db_url_config", "cache_url_config", "email_url_config", "search_url_config"}


def settings_variables() -> set[str]:
    source = SETTINGS_FILE.read_text()
    names = set(SETTINGS_READ.findall(source))
    # A variable named by a loop (`for option, variable in [("region_name", "NAME"), ...]:
    # env.str(variable, ...)`): the names are the strings at that place of the loop's tuples.
    tree = ast.parse(source)
    loop_names: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and isinstance(node.iter, ast.List | ast.Tuple):
            targets = node.target.elts if isinstance(node.target, ast.Tuple) else [node.target]
            for index, target in enumerate(targets):
                values = [
                    item.elts[index] if isinstance(node.target, ast.Tuple) else item
                    for item in node.iter.elts
                ]
                loop_names[target.id] = {
                    value.value
                    for value in values
                    if isinstance(value, ast.Constant) and isinstance(value.value, str)
                }
    unresolved = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.func.attr not in ENV_PARSERS
            and node.args
        ):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant):
            assert first.value in names, f"not found by the pattern: {ast.unparse(node)}"
        elif isinstance(first, ast.Name) and loop_names.get(first.id):
            names |= loop_names[first.id]
        else:
            unresolved.append(ast.unparse(node))
    assert not unresolved, f"settings.py reads variables this test cannot name: {unresolved}"
    return names


def gunicorn_variables() -> set[str]:
    source = GUNICORN_CONF.read_text()
    return {f"GUNICORN_{name.upper()}" for name in GUNICORN_READ.findall(source)} | set(
        GUNICORN_DIRECT_READ.findall(source)
    )


def portal_variables() -> set[str]:
    return settings_variables() | gunicorn_variables()


def test_the_variables_are_found_in_the_source():
    """Guards the parsing itself: it finds one-line, multi-line, looped and gunicorn reads."""
    found = portal_variables()
    assert {"SECRET_KEY", "DATABASE_REPLICA_URLS", "DOCUMENT_MAX_UPLOAD_BYTES"} <= found
    assert {"DOCUMENT_STORAGE_REGION", "DOCUMENT_STORAGE_SECRET_ACCESS_KEY"} <= found
    assert {"GUNICORN_WORKERS", "GUNICORN_BIND", "GUNICORN_ACCESSLOG"} <= found
    assert len(found) >= 45


# --- The example environment file -----------------------------------------------------------

# What both systemd's EnvironmentFile= and bash read as the same value: no quotes, escapes,
# expansions, spaces or comment characters.
ASSIGNMENT = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>[^\s\"'\\$`#;]*)")
COMMENTED_ASSIGNMENT = re.compile(r"# (?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)")


def example_lines() -> list[str]:
    return EXAMPLE.read_text().splitlines()


def example_values() -> dict[str, str]:
    """The variables the example sets."""
    return {
        match["name"]: match["value"]
        for line in example_lines()
        if (match := ASSIGNMENT.fullmatch(line))
    }


def example_defaults() -> dict[str, str]:
    """The variables the example shows commented out, with their default."""
    return {
        match["name"]: match["value"]
        for line in example_lines()
        if (match := COMMENTED_ASSIGNMENT.fullmatch(line))
    }


def test_the_example_is_assignments_and_comments_only():
    for number, line in enumerate(example_lines(), start=1):
        if not line or line.startswith("#"):
            continue
        assert ASSIGNMENT.fullmatch(line), f"line {number} is not KEY=value: {line!r}"
    # A commented-out default still works once uncommented.
    for name, value in example_defaults().items():
        assert ASSIGNMENT.fullmatch(f"{name}={value}"), f"commented {name}={value!r}"
    names = [
        match["name"]
        for line in example_lines()
        if (match := ASSIGNMENT.fullmatch(line) or COMMENTED_ASSIGNMENT.fullmatch(line))
    ]
    assert len(names) == len(set(names)), "a variable appears twice"


def test_the_example_names_every_variable_the_portal_reads_and_no_other():
    named = set(example_values()) | set(example_defaults())
    read = portal_variables()
    assert not read - named, f"read by the portal, missing from {EXAMPLE.name}"
    assert not named - read, f"in {EXAMPLE.name}, read by nothing (stale?)"


def readme_table_variables() -> set[str]:
    lines = README.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Variable |"))
    names = set()
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_the_readme_table_documents_every_setting_and_no_other():
    table = readme_table_variables()
    assert not settings_variables() - table, "read by settings.py, missing from README's table"
    assert not table - settings_variables(), "in README's table, read by nothing (stale?)"


def test_the_readme_names_every_gunicorn_variable():
    readme = README.read_text()
    assert not {name for name in gunicorn_variables() if f"`{name}`" not in readme}


def test_bash_and_django_environ_read_the_example_as_it_says(monkeypatch):
    """bash's `set -a; source` and django-environ find exactly the values the lines say."""
    dump = "import json, os; print(json.dumps(dict(os.environ)))"
    script = f'set -a; source "{EXAMPLE}"; exec "{sys.executable}" -c "{dump}"'
    result = subprocess.run(
        ["bash", "-c", script], env={"PATH": os.environ["PATH"]}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    sourced = json.loads(result.stdout)
    for name, value in example_values().items():
        assert sourced.get(name) == value, name
    assert not set(example_defaults()) & set(sourced), "a commented line was read"

    # django-environ, which reads it as ENV_FILE (manage.py by hand), into a mapping of ours.
    read: dict[str, str] = {}
    monkeypatch.setattr(environ.Env, "ENVIRON", read)
    environ.Env.read_env(EXAMPLE, overwrite=True)
    assert read == example_values()


def run_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    return run_python(f"import django; django.setup(); {code}", **env)


def test_left_unchanged_the_example_refuses_to_start():
    result = run_settings("", **example_values())
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    result = run_settings("", **{**example_values(), "SECRET_KEY": SECRET})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr
    assert "CHANGE-ME" in example_values()["DATABASE_URL"]


def test_filled_in_the_example_passes_the_deployment_checklist():
    env = {**example_values(), **FILLED_IN}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr


# Set by the example, or a default whose value depends on the machine or the checkout.
NOT_COMPARED = {"ENV_FILE", "GUNICORN_WORKERS"}
# A function setting (WHITENOISE_ADD_HEADERS_FUNCTION) is compared by its name: its repr holds
# an address that differs between processes.
DUMP_SETTINGS = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in dir(s) if k.isupper()}, "
    "default=lambda o: getattr(o, '__qualname__', str(o)), sort_keys=True))"
)


def test_the_commented_defaults_are_the_defaults(monkeypatch):
    """Uncommenting every default line changes no setting, of Django or of gunicorn."""
    defaults = {k: v for k, v in example_defaults().items() if k not in NOT_COMPARED}
    base = {**example_values(), **FILLED_IN}
    without = run_settings(DUMP_SETTINGS, **base)
    with_defaults = run_settings(DUMP_SETTINGS, **base, **defaults)
    assert without.returncode == 0, without.stderr
    assert with_defaults.returncode == 0, with_defaults.stderr
    before, after = json.loads(without.stdout), json.loads(with_defaults.stdout)
    changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    assert not changed, f"a commented default is not the default: {changed}"

    def gunicorn_config() -> dict:
        values = runpy.run_path(str(GUNICORN_CONF))
        return {k: v for k, v in values.items() if isinstance(v, str | int | bool | type(None))}

    for name in gunicorn_variables():
        monkeypatch.delenv(name, raising=False)
    builtin = gunicorn_config()
    for name, value in defaults.items():
        if name.startswith("GUNICORN_"):
            monkeypatch.setenv(name, value)
    assert gunicorn_config() == builtin
