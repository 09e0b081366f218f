"""What a server process loads before it forks its workers.

gunicorn recycles each worker after a few thousand requests (``max_requests``, a guard against
slow leaks). Django loads most of what a request needs on first use: the URL modules and the
resolver's tables, each language's translations, every template compiled. A worker forked
from a process that loaded none of it spent about half a second of its first requests doing
so, which readers met as the slowest one in a hundred responses of a busy portal. The map
files are read once a process too. Loaded once
in the server process instead, every worker starts with it, shared with the others until
written to.

Nothing of that opens a database or cache connection: a socket made before the fork would be
shared by every worker. Each worker opens its own right after it is forked, before it takes its
first request (``connect_after_fork()``).
"""

import contextlib
import logging
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.template.loader import get_template
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import translation

from core import maps, region_maps
from core.cache.generations import watch

logger = logging.getLogger(__name__)


def portal_apps() -> list:
    """The portal's own apps, not installed packages'."""
    return [app for app in apps.get_app_configs() if not Path(app.path).is_relative_to(sys.prefix)]


def template_names() -> list[str]:
    """The portal's own templates, by the name a view asks for. Installed packages' are left
    to first use: some need a tag library only their own optional extras provide."""
    roots = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(app.path) / "templates" for app in portal_apps()]
    return sorted(
        {
            path.relative_to(root).as_posix()
            for root in roots
            for path in root.rglob("*.*")
            if path.suffix in (".html", ".txt", ".xml")
        }
    )


def namespaces(resolver: URLResolver, within: str = ""):
    """The URL namespaces under ``resolver``, nested ones as Django names them ("a:b")."""
    for name, (_prefix, included) in resolver.namespace_dict.items():
        yield within + name
        yield from namespaces(included, f"{within}{name}:")


def load_before_fork() -> None:
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            # The resolver keeps its tables per language, both ways.
            resolver.resolve(reverse("robots"))
            resolver.resolve(f"/{code}/")
            # Django reverses a namespaced name ("partnerships:list") through a resolver of
            # its own for the namespace and language, which fills its table on first use:
            # about 90 ms of a worker's first page that links records. Reversing a name no
            # namespace has fills each one.
            for namespace in namespaces(resolver):
                with contextlib.suppress(NoReverseMatch):
                    reverse(f"{namespace}:")
    for name in template_names():
        get_template(name)
    # The committed map files, a few megabytes of JSON.
    maps.geometry()
    region_maps.geometry()


def portal_tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for app in portal_apps()
            for model in app.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )


def connect_after_fork() -> None:
    """Open this worker's connections before it takes its first request.

    gunicorn recycles each worker after some thousands of requests: under load, at the rate
    cached pages are served, every few seconds. A new worker's first page not in the cache
    opened a PostgreSQL connection, whose new server process then read the description of every
    table and index it met from the catalogue, and subscribed to the content generation's
    channel: 8 to 15 ms of that request in-process, and the slowest first views after a change
    (p95) 16 to 34 ms slower than with no recycling at all (docs/performance.md). Planning a
    read of each table fills that server process's descriptions of the tables and indexes.
    """
    connection = connections["default"]
    try:
        connection.ensure_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in portal_tables():
                    cursor.execute(f"EXPLAIN SELECT * FROM {connection.ops.quote_name(table)}")
    except DatabaseError:
        # The worker starts all the same: cached pages need no database, and its first
        # request connects again, as it did before.
        logger.warning("A new worker could not connect to the database", exc_info=True)
        connection.close()
    # Listens to the generation's channel from now on (Redis only).
    watch.known()
