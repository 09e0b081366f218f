"""The configuration files of deploy/, checked without bringing the topology up.

The example environment file names every variable the portal reads and nothing else, and both
systemd and bash can read it; the nginx site that manage.py nginx_config renders passes
`nginx -t`, on loopback and with TLS; the systemd units pass `systemd-analyze verify`.
"""

import ast
import http.client
import http.server
import json
import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import environ
import pytest
from django.conf import settings

from tests.pactportal.test_security import run_manage
from tests.pactportal.test_settings import SECRET, run_python

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "pactportal" / "settings.py"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
EXAMPLE = ROOT / "deploy" / "pactportal.env.example"
README = ROOT / "README.md"
NGINX_DIR = ROOT / "deploy" / "nginx"
SYSTEMD_DIR = ROOT / "deploy" / "systemd"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")

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
DUMP_SETTINGS = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({k: getattr(s, k) for k in dir(s) if k.isupper()}, default=str, "
    "sort_keys=True))"
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


def test_the_example_agrees_with_the_systemd_units_and_nginx(tmp_path):
    service = (SYSTEMD_DIR / "pactportal.service").read_text()
    assert "EnvironmentFile=/etc/pactportal/pactportal.env" in service
    assert "/etc/pactportal/pactportal.env" in EXAMPLE.read_text()
    # The one folder the service may write is where documents go.
    assert f"ReadWritePaths={example_values()['MEDIA_ROOT']}" in service
    # X-Accel-Redirect names an internal location of the rendered site.
    rendered = render_nginx(tmp_path, listen_conf=listen_on_loopback(tmp_path))
    internal = re.findall(r"location (\S+) \{\s*internal;", rendered)
    assert example_values()["DOCUMENT_ACCEL_REDIRECT"] in internal


# --- nginx ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listen_on_loopback(tmp_path: Path) -> Path:
    listen = tmp_path / "listen.conf"
    listen.write_text(f"listen 127.0.0.1:{free_port()};\n")
    return listen


def render_nginx(tmp_path: Path, *options: str, listen_conf: Path | None = None, **env) -> str:
    """manage.py nginx_config with the example's production settings."""
    output = tmp_path / "pactportal.conf"
    args = ["nginx_config", "--cache-dir", str(tmp_path / "cache"), "--output", str(output)]
    if listen_conf:
        args += ["--listen-conf", str(listen_conf)]
    result = run_manage(*args, *options, **{**example_values(), **FILLED_IN, **env})
    assert result.returncode == 0, result.stderr
    text = output.read_text()
    # (The template's own header comment speaks of "${NGINX_*}" values: not a placeholder.)
    assert not re.findall(r"\$\{NGINX_[A-Z_]+\}", text), "a placeholder was left unfilled"
    return text


def nginx_conf(tmp_path: Path, *includes: Path) -> Path:
    """A minimal top-level file around the site, every path in tmp_path."""
    temp = tmp_path / "temp"
    temp.mkdir(exist_ok=True)
    lines = "\n".join(f"    include {path};" for path in includes)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\n"
        "events {}\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        f"    client_body_temp_path {temp}/body;\n"
        f"    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n"
        f"    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        f"    access_log {tmp_path}/access.log;\n"
        f"{lines}\n"
        "}\n"
    )
    return conf


def nginx_test(tmp_path: Path, *includes: Path) -> subprocess.CompletedProcess:
    """`nginx -t` of a minimal top-level file around the site, every path in tmp_path."""
    assert NGINX, "nginx is not installed (scripts/test installs it): cannot check deploy/nginx/"
    conf = nginx_conf(tmp_path, *includes)
    return subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-e", f"{tmp_path}/error.log", "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_rendered_site_passes_nginx_t_on_loopback(tmp_path):
    site = tmp_path / "site.conf"
    site.write_text(render_nginx(tmp_path, listen_conf=listen_on_loopback(tmp_path)))
    result = nginx_test(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_production_site_with_tls_passes_nginx_t(tmp_path):
    # The default listen file is the production one.
    default = render_nginx(tmp_path)
    assert f"include {NGINX_DIR / 'listen-tls.conf'};" in default

    # The same file with a throw-away certificate where the real one will be.
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    openssl = subprocess.run(
        [
            *["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"],
            *["-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert openssl.returncode == 0, openssl.stderr
    tls = (NGINX_DIR / "listen-tls.conf").read_text()
    for production_path in ["/etc/pactportal/tls/fullchain.pem", "/etc/pactportal/tls/privkey.pem"]:
        assert production_path in tls
    listen_tls = tmp_path / "listen-tls.conf"
    listen_tls.write_text(
        tls.replace("/etc/pactportal/tls/fullchain.pem", str(cert)).replace(
            "/etc/pactportal/tls/privkey.pem", str(key)
        )
    )
    site = tmp_path / "site.conf"
    site.write_text(render_nginx(tmp_path, listen_conf=listen_tls))
    result = nginx_test(tmp_path, site, NGINX_DIR / "http-redirect.conf")
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_language_prefixes_are_the_portals_languages(tmp_path):
    rendered = render_nginx(tmp_path, listen_conf=listen_on_loopback(tmp_path))
    variant_map = re.search(r"map \$uri \$pactportal_variant \{\s*(\S+)\s+\"\";", rendered)
    assert variant_map, "no language prefix in the $pactportal_variant map"
    codes = [code for code, _name in settings.LANGUAGES]
    assert variant_map[1] == "~^/(" + "|".join(re.escape(code) for code in codes) + ")/"
    prefix = re.compile(variant_map[1].removeprefix("~"))
    assert all(prefix.match(f"/{code}/partnerships/") for code in codes)
    for other in ["/", "/api/v1/ecosystems/", "/es/", "/english/", "/sitemap.xml"]:
        assert not prefix.match(other), other


@pytest.mark.parametrize("largest", [None, 100 * 1024 * 1024])
def test_nginx_accepts_the_largest_upload_the_portal_does(tmp_path, largest):
    env = {"DOCUMENT_MAX_UPLOAD_BYTES": str(largest)} if largest else {}
    rendered = render_nginx(tmp_path, listen_conf=listen_on_loopback(tmp_path), **env)
    body_size = int(re.search(r"client_max_body_size (\d+);", rendered)[1])
    assert body_size > (largest or settings.DOCUMENT_MAX_UPLOAD_BYTES)


def test_nginx_replaces_the_forwarded_for_a_client_sent(tmp_path):
    """What BEHIND_PROXY relies on: X-Forwarded-For is the address nginx saw, nothing else."""
    rendered = render_nginx(tmp_path, listen_conf=listen_on_loopback(tmp_path))
    assert re.findall(r"proxy_set_header X-Forwarded-For (\S+);", rendered) == ["$remote_addr"]


def test_a_microcache_of_zero_seconds_is_refused(tmp_path):
    result = run_manage(
        "nginx_config",
        "--microcache-seconds",
        "0",
        "--cache-dir",
        str(tmp_path),
        **{**example_values(), **FILLED_IN},
    )
    assert result.returncode != 0
    assert "--microcache-seconds must be at least 1" in result.stderr


# --- The microcache, with nginx running the rendered site on loopback ------------------------

# What a stand-in for the portal answers with, by path: the Vary headers the portal sends there
# (a page under a language prefix, an API list), and Vary headers the key does not cover.
STAND_IN_VARY = {
    "/en/partnerships/": "Cookie",
    "/fr/partnerships/": "Cookie",
    "/api/v1/partnerships/": "Accept, Authorization, Cookie, Accept-Language",
    "/en/accept-language/": "Accept-Language",
    "/en/other-header/": "X-Other",
    "/api/v1/encoding/": "Accept-Encoding",
    "/en/any/": "*",
}


class StandIn(http.server.BaseHTTPRequestHandler):
    """The portal's anonymous answer, as far as the microcache sees it; counts its requests."""

    requests: Counter

    def do_GET(self):
        path = self.path.split("?")[0]
        self.requests[self.path] += 1
        body = f"{self.path} {self.requests[self.path]}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        # What the portal's page cache sets on every anonymous page it keeps.
        self.send_header("Cache-Control", "max-age=0, must-revalidate, public")
        if path in STAND_IN_VARY:
            self.send_header("Vary", STAND_IN_VARY[path])
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Answer(NamedTuple):
    status: int
    cache: str | None
    body: str


class Microcache:
    """nginx with the rendered site in front of a stand-in for the portal."""

    def __init__(self, port: int, requests: Counter):
        self.port = port
        self.requests = requests

    def get(self, path: str, **headers: str) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            names = {name.replace("_", "-"): value for name, value in headers.items()}
            connection.request("GET", path, headers=names)
            response = connection.getresponse()
            return Answer(
                response.status, response.getheader("X-Microcache"), response.read().decode()
            )
        finally:
            connection.close()


@pytest.fixture
def microcache(tmp_path):
    assert NGINX, "nginx is not installed (scripts/test installs it): cannot check deploy/nginx/"
    requests = Counter()
    handler = type("Handler", (StandIn,), {"requests": requests})
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    listen = listen_on_loopback(tmp_path)
    port = int(re.search(r":(\d+);", listen.read_text())[1])
    site = tmp_path / "site.conf"
    site.write_text(
        render_nginx(
            tmp_path,
            "--upstream",
            f"127.0.0.1:{upstream.server_address[1]}",
            "--server-name",
            "127.0.0.1",
            "--microcache-seconds",
            "60",
            listen_conf=listen,
        )
    )
    conf = nginx_conf(tmp_path, site)
    # Run as root, nginx's workers would be "nobody", who cannot enter pytest's folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(user + "daemon off;\nworker_processes 1;\n" + conf.read_text())
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-e", f"{tmp_path}/error.log", "-c", str(conf)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert nginx.poll() is None, nginx.stderr.read()
            assert time.monotonic() < deadline, "nginx did not listen within 10 s"
            time.sleep(0.05)
        yield Microcache(port, requests)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        upstream.shutdown()
        upstream.server_close()


def test_under_a_language_prefix_one_copy_serves_every_reader(microcache):
    """A page under /en/ is the same for every anonymous reader: their analytics cookies, the
    language switcher's cookie and their browser's languages must not split the microcache,
    even though the portal answers "Vary: Cookie" (for the session cookie, which bypasses it)."""
    path = "/en/partnerships/?kind=regional&country=IT"
    assert microcache.get(path, Cookie="_ga=GA1.1.1183.1700000000").cache == "MISS"
    readers = [
        {"Cookie": "_ga=GA1.1.2291.1700000001"},
        {"Cookie": "_ga=GA1.1.3377.1700000002; django_language=fr"},
        {"Cookie": "django_language=de; _ga=GA1.1.4410.1700000003; _gid=GA1.1.9"},
        {"Cookie": "_ga=GA1.1.5521.1700000004", "Accept_Language": "de-DE,de;q=0.9"},
        {},
    ]
    for headers in readers:
        answer = microcache.get(path, **headers)
        assert (answer.status, answer.cache) == (200, "HIT"), headers
    assert microcache.requests[path] == 1
    # Another language is another address.
    assert microcache.get("/fr/partnerships/?kind=regional&country=IT").cache == "MISS"


def test_where_the_language_is_negotiated_only_its_headers_and_cookie_count(microcache):
    """The API (and every address without a language prefix) answers in the language of the
    switcher's cookie, else Accept-Language, in the format Accept asks for: those split the
    microcache, the value of the language cookie only; other cookies do not."""
    path = "/api/v1/partnerships/?kind=regional"
    french = {"Accept_Language": "fr-FR,fr;q=0.9,en;q=0.8"}
    assert microcache.get(path, Cookie="_ga=GA1.1.1.1", **french).cache == "MISS"
    assert microcache.get(path, Cookie="_ga=GA1.1.2.2", **french).cache == "HIT"
    assert microcache.get(path, Cookie="_ga=GA1.1.3.3; django_language=de", **french).cache == (
        "MISS"
    )
    assert microcache.get(path, Cookie="django_language=de; _ga=GA1.1.4.4", **french).cache == (
        "HIT"
    )
    assert microcache.get(path, Cookie="_ga=GA1.1.5.5", Accept_Language="de").cache == "MISS"
    assert microcache.get(path, Accept="text/csv", **french).cache == "MISS"
    assert microcache.requests[path] == 4


def test_a_response_varying_on_what_the_key_lacks_is_not_kept(microcache):
    """nginx does not read Vary (its key holds what the portal varies on): a response that
    varies on anything else, or on everything, goes to every reader from the portal."""
    for path in ["/en/accept-language/", "/en/other-header/", "/api/v1/encoding/", "/en/any/"]:
        assert microcache.get(path).cache == "MISS"
        assert microcache.get(path).cache == "MISS", path
        assert microcache.requests[path] == 2


def test_signed_in_token_and_pinned_readers_always_reach_the_portal(microcache):
    path = "/en/partnerships/"
    assert microcache.get(path).cache == "MISS"
    assert microcache.get(path).cache == "HIT"
    for headers in [
        {"Cookie": "_ga=GA1.1.1.1; sessionid=abc"},
        {"Authorization": "Token abc"},
        {"Cookie": "multidb_pin_writes=y; _ga=GA1.1.1.1"},
    ]:
        answer = microcache.get(path, **headers)
        assert answer.cache == "BYPASS", headers
    assert microcache.requests[path] == 4


def test_the_microcache_key_names_no_cookie_but_the_language_cookie(tmp_path):
    rendered = render_nginx(tmp_path, listen_conf=listen_on_loopback(tmp_path))
    assert "$http_cookie" not in rendered
    key = re.search(r"proxy_cache_key (.+);", rendered)[1]
    variant = re.search(r"map \$uri \$pactportal_variant \{(.*?)\}", rendered, re.DOTALL)[1]
    assert re.findall(r"\$cookie_\w+", key + variant) == ["$cookie_django_language"]


# --- systemd --------------------------------------------------------------------------------


def systemd_verify(root: Path, units: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SYSTEMD_ANALYZE, "verify", f"--root={root}", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(not SYSTEMD_ANALYZE, reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path):
    """`systemd-analyze verify` in a root of its own: the system's units, the portal's, and a
    stand-in at each path the service executes (gunicorn is not installed at /srv here)."""
    root = tmp_path / "root"
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    units_dir = root / "etc/systemd/system"
    units_dir.mkdir(parents=True)
    for unit in SYSTEMD_DIR.iterdir():
        shutil.copy(unit, units_dir / unit.name)
    service = (SYSTEMD_DIR / "pactportal.service").read_text()
    for command in re.findall(r"^Exec\w+=[-@:+!]*(/\S+)", service, re.MULTILINE):
        stand_in = root / command.lstrip("/")
        stand_in.parent.mkdir(parents=True, exist_ok=True)
        stand_in.write_text("#!/bin/sh\n")
        stand_in.chmod(0o755)
    units = [units_dir / "pactportal.socket", units_dir / "pactportal.service"]

    result = systemd_verify(root, units)
    assert result.returncode == 0, result.stderr
    # Unknown keys and values systemd cannot parse are ignored with a message, not an error.
    assert result.stderr.strip() == ""

    # The check sees such mistakes: a misspelt key is reported.
    (units_dir / "pactportal.service").write_text(
        service.replace("ProtectSystem=", "ProtectSytem=")
    )
    assert "Unknown key 'ProtectSytem'" in systemd_verify(root, units).stderr
