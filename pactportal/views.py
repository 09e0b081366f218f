"""Views shared by the apps: list and detail bases, error pages, robots.txt and /healthz."""

import logging
import sys

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView
from django_redis import get_redis_connection
from redis.exceptions import RedisError

from pactportal.cache import until_content_changes

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
# What psycopg raises (wrapped by Django) when the database server cannot be reached.
DATABASE_DOWN = (OperationalError, InterfaceError)


class FilteredListView(ListView):
    """A published list narrowed by its FilterSet, paginated, forgiving of bad input.

    Invalid filter values are shown as form errors and ignored; a page number that is not a
    number, or past the end, shows the nearest real page with a message instead of a 404.
    Subclasses set ``filterset_class`` and implement ``get_base_queryset()`` (published rows);
    the filtered rows get the queryset's ``for_list()`` for what the list shows.
    """

    filterset_class = None
    paginate_by = PAGE_SIZE

    def get_base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )
        return self.filterset.qs.for_list()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page, self.page_message = nearest_page(paginator, self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            filterset=self.filterset,
            filter_errors=self.filterset.errors,
            **filter_links(self.request),
            **kwargs,
        )
        # Set by paginate_queryset(), which the call above runs.
        context["page_message"] = self.page_message
        return context


def nearest_page(paginator, requested: str | None):
    """The page ``requested`` of ``paginator``, and an empty message; or, for a page number
    that is not a number or is past the end, the nearest real page and a message saying so."""
    requested = requested or "1"
    try:
        return paginator.page(requested), ""
    except PageNotAnInteger:
        return paginator.page(1), _("“%(page)s” is not a page number; showing the first page.") % {
            "page": requested[:20]
        }
    except EmptyPage:
        last = paginator.num_pages
        return paginator.page(last), _(
            "There is no page %(page)s; showing the last page, %(last)s."
        ) % {"page": requested[:20], "last": last}


def filter_links(request) -> dict:
    """What a filtered list's links need of the request: the query string its pagination links
    keep, and whether any filter is set (for "Clear all filters")."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "query_string": query.urlencode(),
        "is_filtered": any(value for key, value in query.items() if key != "ordering"),
    }


class PublicDetailView(DetailView):
    """A detail page: published and archived records for everyone, drafts for curators only
    (``reachable_by()``: staff with the model's view permission).

    Anything not published is marked on the page and never stored by shared caches.
    """

    def get_queryset(self):
        return self.model.objects.reachable_by(self.request.user).for_detail()

    def get_object(self, queryset=None):
        if queryset is None and not self.request.user.is_authenticated:
            # Every anonymous reader reaches the same records: each is looked up once per
            # content change (a slug that finds nothing raises, and is not remembered).
            slug = self.kwargs[self.slug_url_kwarg]
            return until_content_changes(
                f"record.{self.model._meta.label_lower}.{slug}", super().get_object
            )
        return super().get_object(queryset)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_published:
            add_never_cache_headers(response)
        return response


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    # A request Django cannot read at all: too large, a malformed multipart body, a bad host.
    if _wants_json(request):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
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
    return JsonResponse(
        {"status": "degraded" if serving and degraded else "ok" if serving else "down", **checks},
        status=200 if serving else 503,
    )


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
