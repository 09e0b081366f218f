"""The nginx site of deploy/, rendered by manage.py nginx_config from the example environment.

It passes `nginx -t`, on loopback and with TLS; it agrees with the portal's languages, upload
limit and forwarded address; and its microcache, with nginx running the site on loopback in
front of a stand-in for the portal, keeps one copy for every reader of an address and
never keeps what it must not.
"""

import http.client
import http.server
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
from django.conf import settings

from tests.deploy.test_config_files_environment import FILLED_IN, ROOT, example_values
from tests.pactportal.test_security import run_manage
from tests.perf.bench.servers import free_port

NGINX_DIR = ROOT / "deploy" / "nginx"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


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
