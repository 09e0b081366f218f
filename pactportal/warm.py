"""What a server process loads before it forks its workers.

gunicorn recycles each worker after a few thousand requests (``max_requests``, a guard against
slow leaks). Django loads most of what a request needs on first use: the URL modules and the
resolver's tables, each language's translations, every template compiled. A worker forked
from a process that loaded none of it spent about half a second of its first requests doing
so, which readers met as the slowest one in a hundred responses of a busy portal. The map
files are read once a process too. Loaded once
in the server process instead, every worker starts with it, shared with the others until
written to.

Nothing here opens a database or cache connection: a socket made before the fork would be
shared by every worker.
"""

import contextlib
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template.loader import get_template
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import translation

from core import maps, region_maps


def template_names() -> list[str]:
    """The portal's own templates, by the name a view asks for. Installed packages' are left
    to first use: some need a tag library only their own optional extras provide."""
    roots = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if not Path(app.path).is_relative_to(sys.prefix)
    ]
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
