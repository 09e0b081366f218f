"""The whole-page cache for anonymous readers, keyed on what a page really depends on.

A page depends on its address (scheme, host, path), the query parameters its view reads, the
language it is served in and, for the API, the format asked for. Nothing else: not the
visitor's analytics cookies, not the raw ``Accept-Language`` of a page whose language is in its
path, not the order of the parameters. The key is made of exactly those parts, and the request
the view sees is trimmed to them, so that whatever it draws (links that keep the filters, the
language switcher) depends on nothing the key leaves out.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost, MiddlewareNotUsed
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re, patch_cache_control, set_response_etag

from . import generations
from .generations import cache_seconds
from .local import local_pages

# The admin and files, and the API's schema and documentation, which change with the code,
# not with content: nothing the content generation could retire. Drafts shown by a preview
# link: its secret address must not become a cache key, nor its draft a cached page.
NEVER_CACHED = (
    "/admin/",
    "/media/",
    "/static/",
    "/api/schema/",
    "/api/docs/",
    "/api/redoc/",
    "/preview/",
)
API_PREFIX = "/api/"
# What every API operation reads besides its filters: the page, the page size, the language,
# the format and, for curators, the status.
API_PARAMETERS = frozenset({"page", "page_size", "lang", "format", "status"})
# Query strings longer than this are keyed afresh each time (``request_key()``).
REMEMBERED_QUERY_LENGTH = 512
# A response may vary on these; the key already holds what each of them decides.
KEYED_VARY = {"accept", "accept-language", "cookie", "authorization"}


@functools.lru_cache(maxsize=4096)
def read_parameters(path: str) -> frozenset | None:
    """The query parameters the view at ``path`` reads, or None if it does not say.

    A list reads its FilterSet's parameters and ``page``; a view says what else it reads in
    ``query_parameters`` (a function view as an attribute, a class as a class attribute).
    """
    try:
        match = resolve(path)
    except Resolver404:
        # An address outside the URL patterns: a redirect to its language, which keeps every
        # parameter, or a 404.
        return None
    view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    view = view or match.func
    declared = getattr(view, "query_parameters", None)
    filterset = getattr(view, "filterset_class", None)
    if declared is None and filterset is None:
        return None
    names = set(declared or ()) | set(filterset.base_filters if filterset else ())
    if getattr(match.func, "cls", None) is not None:  # a DRF view
        names |= API_PARAMETERS
    elif filterset is not None:
        names.add("page")
    return frozenset(names)


def canonical_query(request) -> str:
    """The parameters the view reads, sorted by name, repeated values kept in their order;
    every parameter, sorted, for a view that does not say what it reads."""
    names = read_parameters(request.path_info)
    query = QueryDict(mutable=True)
    for name in sorted(request.GET):
        if names is None or name in names:
            query.setlist(name, request.GET.getlist(name))
    return query.urlencode()


def served_language(request) -> str:
    """The language the response will be in: the path's, else ``?lang=`` on the API, else the
    visitor's (cookie, then ``Accept-Language``), as the locale middleware decides it."""
    if language := translation.get_language_from_path(request.path_info):
        return language
    requested = request.GET.get("lang", "").lower()
    if request.path_info.startswith(API_PREFIX) and requested in dict(settings.LANGUAGES):
        return requested
    return translation.get_language_from_request(request)


def page_key(request, query: str, scheme: str, host: str) -> str:
    parts = [
        request.method,
        scheme,
        host,
        request.path,
        query,
        served_language(request),
        # The API answers JSON, CSV or its browsable HTML by Accept: the header as sent, since
        # only the renderers can tell which it picks.
        request.META["HTTP_ACCEPT"].replace(" ", "").lower()
        if request.path_info.startswith(API_PREFIX)
        else "",
    ]
    digest = hashlib.sha256("\n".join(parts).encode(errors="replace")).hexdigest()
    return f"page.{digest}"


def request_key(request) -> tuple[str, str]:
    """The canonical query and the page key of ``request``."""
    # The bytes sent, as Django reads them: WSGI hands them over one character each, ASGI
    # decoded as UTF-8.
    query_bytes = request.META.get("QUERY_STRING", "").encode(
        "iso-8859-1" if isinstance(request, WSGIRequest) else "utf-8"
    )
    parts = (
        request.method,
        request.scheme,
        request.get_host(),  # an unknown host raises DisallowedHost before anything is kept
        request.path,
        request.path_info,
        query_bytes,
        request.META.get("HTTP_ACCEPT", ""),
        request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
    )
    # A long query string (a whole consortium sent to the checker) seldom comes twice, and
    # would crowd the short ones out of the memo below.
    if len(query_bytes) > REMEMBERED_QUERY_LENGTH:
        return canonical_key.__wrapped__(*parts)
    return canonical_key(*parts)


# What the key is made of, as sent: the same request parts always give the same key, and a
# busy page is asked for with few variants of them. Remembered, a hit costs a lookup here
# instead of parsing, sorting and hashing its parameters again.
@functools.lru_cache(maxsize=4096)
def canonical_key(
    method, scheme, host, path, path_info, query_bytes, accept, accept_language, language_cookie
) -> tuple[str, str]:
    request = HttpRequest()
    request.method, request.path, request.path_info = method, path, path_info
    request.META = {"HTTP_ACCEPT": accept, "HTTP_ACCEPT_LANGUAGE": accept_language}
    request.COOKIES = {settings.LANGUAGE_COOKIE_NAME: language_cookie}
    request.GET = QueryDict(query_bytes)
    query = canonical_query(request)
    return query, page_key(request, query, scheme, host)


class AnonymousPageCacheMiddleware:
    """Serves anonymous reads from the cache, under the canonical key above.

    Goes right after the security, static-file and conditional-GET middleware, so that a hit
    costs no policy headers (kept with the page), no session, no authentication and no view,
    and one round trip to the cache at most (the generation, with the page if this process
    does not hold it). A request is anonymous when it carries neither a session cookie nor an
    ``Authorization`` header: those are the only ways to sign in, so the session is never
    opened to find out. POSTs, the admin, and responses that are private, uncacheable, set
    cookies or vary on a header the key does not decide are never cached. Browsers are told to
    revalidate (``max-age=0``), which the ETag stored with each page makes cheap.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = cache_seconds()
        if not self.seconds:
            raise MiddlewareNotUsed

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        try:
            query, key = request_key(request)
        except DisallowedHost:
            return self.get_response(request)  # Django answers it with a 400
        # The view sees only what the key holds.
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query
        if (page := local_pages.get(key)) is not None:
            current = generations.generation()
        else:
            found = cache.get_many([generations.GENERATION_KEY, key])
            current = generations.generation(found.get(generations.GENERATION_KEY))
            if (page := found.get(key)) is not None:
                local_pages.set(key, page)
        if page is not None and page[0] == current:
            _made_in, status, headers, content = page
            cached = HttpResponse(content, status=status, headers=headers)
            cached["X-Cache"] = "hit"
            return cached
        token = generations._request_generation.set(current)
        try:
            response = self.get_response(request)
        finally:
            generations._request_generation.reset(token)
        # No session cookie came in, so nothing the response holds came from a session:
        # whatever opened the empty one (a check of who is asking) leaves no Vary: Cookie
        # that would make shared caches keep one copy per visitor's other cookies.
        remove_vary(response, "cookie")
        if self.cacheable_response(request, response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, max_age=0, must_revalidate=True, public=True)
            # Stored with its ETag, so a hit is never hashed again and a client that has the
            # same bytes gets a 304 from the conditional-GET middleware around this one.
            set_response_etag(response)
            stored = (current, response.status_code, dict(response.items()), response.content)
            cache.set(key, stored, self.seconds)
            local_pages.set(key, stored)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def cacheable_request(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(NEVER_CACHED)
            and "HTTP_AUTHORIZATION" not in request.META
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def cacheable_response(request, response) -> bool:
        # No session cookie and no Authorization came in: nobody was signed in.
        control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A download handed to nginx: the portal checks it each time (the file may be gone).
            and not response.has_header("X-Accel-Redirect")
            and not any(word in control for word in ("private", "no-store", "no-cache"))
            and varies_on(response) <= KEYED_VARY
        )


def varies_on(response) -> set[str]:
    return {h.strip().lower() for h in cc_delim_re.split(response.get("Vary", "")) if h}


def remove_vary(response, header: str) -> None:
    kept = [h for h in cc_delim_re.split(response.get("Vary", "")) if h and h.lower() != header]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif response.has_header("Vary"):
        del response["Vary"]
