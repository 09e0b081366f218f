"""The server process loads what every worker needs before it forks them (pactportal.warm)."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.template import TemplateSyntaxError, engines
from django.urls import clear_url_caches, reverse
from django.urls.resolvers import get_ns_resolver
from django.utils import translation

from pactportal.warm import connect_after_fork, load_before_fork, template_names


def compiled() -> set[str]:
    loader = engines["django"].engine.template_loaders[0]
    return {template.origin.template_name for template in loader.get_template_cache.values()}


def test_every_portal_template_is_compiled_before_the_workers_start():
    engines["django"].engine.template_loaders[0].reset()
    load_before_fork()
    names = template_names()
    assert {"base.html", "partnerships/partnership_list.html", "404.html"} <= set(names)
    assert set(names) <= compiled()


def test_a_template_that_does_not_compile_stops_the_server_from_starting(settings, tmp_path):
    (tmp_path / "broken.html").write_text("{% if %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(TemplateSyntaxError):
        load_before_fork()


def test_namespaced_addresses_are_reversed_from_tables_filled_before_the_workers_start():
    """A worker reverses "partnerships:list" through a resolver Django builds for the
    namespace and the language; left to first use, each filled its table during a reader's
    request."""
    clear_url_caches()
    load_before_fork()
    built = get_ns_resolver.cache_info().currsize
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("api:partnership-list")
            reverse("admin:index")
            assert reverse("partnerships:list").startswith(f"/{code}/")
    assert get_ns_resolver.cache_info().currsize == built


@pytest.mark.django_db(transaction=True)
def test_a_new_worker_connects_to_the_database_before_its_first_request(client):
    """A recycled worker's first page not in the cache opened its connection, whose new
    PostgreSQL process read every table's description: 8 to 15 ms of a reader's request."""
    connection.close()
    connect_after_fork()
    opened = []

    def record(connection, **kwargs):
        opened.append(connection.alias)

    connection_created.connect(record)
    try:
        assert client.get(reverse("partnerships:list")).status_code == 200
    finally:
        connection_created.disconnect(record)
    assert opened == []


@pytest.mark.django_db(transaction=True)
def test_a_new_worker_starts_while_the_database_is_unreachable(caplog, client):
    connection.close()
    saved = dict(connection.settings_dict)
    # Nothing listens on port 1: the connection is refused, as by a database that is down.
    connection.settings_dict.update(HOST="127.0.0.1", PORT=1)
    try:
        connect_after_fork()
    finally:
        connection.settings_dict.update(saved)
    assert connection.connection is None
    assert "could not connect to the database" in caplog.text
    # Once the database answers again, the worker's first request connects.
    assert client.get(reverse("partnerships:list")).status_code == 200
