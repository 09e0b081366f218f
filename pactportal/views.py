"""The project's own views: the information pages, error pages, robots.txt and /healthz."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django_redis import get_redis_connection
from redis.exceptions import RedisError

from .models import InformationPage

logger = logging.getLogger(__name__)

# What psycopg raises (wrapped by Django) when the database server cannot be reached.
DATABASE_DOWN = (OperationalError, InterfaceError)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    # A request Django cannot read at all: too large, a malformed multipart body, a bad host.
    if _wants_json(request):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
    if isinstance(exception, DisallowedHost):
        # base.html's canonical and hreflang links call request.get_host(), which raises
        # again for this host and turned the 400 into a 500: the page is drawn without the
        # request, in the language of the path.
        language = translation.get_language_from_path(request.path_info)
        with translation.override(language or settings.LANGUAGE_CODE):
            return HttpResponse(loader.get_template("400.html").render(), status=400)
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


# Seconds a client is asked to wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def server_error(request):
    # No database and no request context: the failure may be the database itself. Django
    # calls this handler while the exception is being handled, so sys.exc_info() names it.
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return service_unavailable(request)
    if _wants_json(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def service_unavailable(request):
    """The database cannot be reached: a 503 that says so, in the site's layout."""
    if _wants_json(request):
        response = JsonResponse(
            {"detail": _("The service is temporarily unavailable; try again shortly.")},
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_DOWN:
        logger.warning("Health check: the database is unreachable", exc_info=True)
        return "down"
    return "ok"


def _cache_status() -> str:
    if "django_redis" not in settings.CACHES["default"]["BACKEND"]:
        return "local"  # memory of this process: nothing that can be down
    try:
        get_redis_connection("default").ping()
    except RedisError:
        logger.warning("Health check: Redis is unreachable", exc_info=True)
        return "down"
    return "ok"


@require_GET
@never_cache
def healthz(request):
    """Which dependency is down, for the load balancer and whoever is on call.

    503 when the portal cannot serve (no database); 200 when it can, even without Redis,
    since pages are then only slower.
    """
    checks = {"database": _database_status(), "cache": _cache_status()}
    serving = checks["database"] == "ok"
    degraded = "down" in checks.values()
    response = JsonResponse(
        {"status": "degraded" if serving and degraded else "ok" if serving else "down", **checks},
        status=200 if serving else 503,
    )
    if not serving:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    searches = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            searches.append(f"Disallow: {reverse('partnerships:search')}")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *searches,
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def information_page(request, slug):
    """A page of the footer (legal notice, privacy, accessibility, contact) in the reader's
    language, as curators wrote it."""
    page = get_object_or_404(InformationPage, slug=slug)
    return render(request, "pactportal/information_page.html", {"page": page})


# It reads no query parameter (core/cache/pages.py keys it without them).
information_page.query_parameters = ()
