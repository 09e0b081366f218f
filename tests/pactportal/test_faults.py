"""Calm under faults: no database means a 503 page, no Redis means slower pages, logs are JSON."""

import io
import json
import logging

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from pythonjsonlogger.json import JsonFormatter

from tests.perf.bench.servers import free_port

PAGES = [
    ("ecosystems:home", {}),
    ("ecosystems:list", {}),
    ("ecosystems:detail", {"slug": "digital"}),
    ("partnerships:list", {}),
    ("partnerships:detail", {"slug": "automotive-skills-alliance"}),
    ("partnerships:organisation_list", {}),
    ("partnerships:document_list", {}),
    ("partnerships:search", {}),  # with ?q=, below: without one it needs no data
    ("alliances:list", {}),
    ("alliances:check", {}),
    ("admin:index", {}),  # for a curator who is signed in (below)
]


@pytest.fixture
def database_down(django_db_blocker):
    """Point the real connection at a port where no PostgreSQL answers, then put it back."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=free_port())
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


@pytest.fixture
def browser():
    # Like a browser: it sees the response the portal sends, never the exception behind it.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[name for name, _ in PAGES])
def test_without_the_database_every_page_is_a_503_in_the_sites_layout(
    database_down, browser, name, kwargs
):
    if name.startswith("admin:"):
        browser.cookies["sessionid"] = "a-curators-session"
    response = browser.get(reverse(name, kwargs=kwargs), {"q": "skills"})
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The portal is temporarily unavailable" in html
    assert 'class="skip-link"' in html and 'class="site-header"' in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_without_the_database_the_api_answers_a_json_503(database_down, browser):
    response = browser.get(reverse("api:partnership-list"))
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service is temporarily unavailable; try again shortly."
    }


def test_health_reports_the_database_down(database_down, browser):
    response = browser.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "down", "cache": "local"}
    assert response["Retry-After"] == "30"


def test_health_is_ok_when_everything_answers(db, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "local"}
    assert "no-cache" in response["Cache-Control"]


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }


@pytest.fixture
def redis_down(settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.PAGE_CACHE_SECONDS = 600


def test_with_redis_down_the_portal_serves_uncached_and_logs_it(
    pact_data, redis_down, client, caplog
):
    with caplog.at_level(logging.ERROR, logger="django_redis"):
        first = client.get(reverse("ecosystems:home"))
        second = client.get(reverse("partnerships:list"), {"kind": "regional"})
    assert first.status_code == 200 and "Digital" in first.content.decode()
    assert second.status_code == 200
    assert any(r.name.startswith("django_redis") for r in caplog.records)


def test_health_reports_redis_down_while_the_portal_keeps_serving(db, redis_down, client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}


def test_health_reports_redis_up(db, settings, client, redis_server):
    settings.CACHES = redis_cache(f"{redis_server}/0")
    assert client.get(reverse("healthz")).json()["cache"] == "ok"


@pytest.fixture
def log_lines():
    """What the portal's console handler writes, one string a line."""
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        handler.setStream(previous)


def test_logs_are_one_json_object_a_line_with_the_request_id(db, client, log_lines):
    response = client.get(reverse("partnerships:detail", kwargs={"slug": "no-such-partnership"}))
    assert response.status_code == 404
    records = [json.loads(line) for line in log_lines()]
    assert records, "the request was logged"
    (record,) = [r for r in records if r["message"].startswith("Not Found")]
    assert record["request_id"] == response["X-Request-ID"]
    assert record["level"] == "WARNING" and record["logger"] == "django.request"
    assert record["time"].endswith("+00:00")


def test_a_request_id_from_the_proxy_is_kept(db, client):
    request_id = "0f8fad5bd9cb469fa16570867728950e"
    response = client.get(reverse("ecosystems:home"), headers={"X-Request-ID": request_id})
    assert response["X-Request-ID"] == request_id
