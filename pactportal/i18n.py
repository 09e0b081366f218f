"""Which language a request is served in, and the links between a page's language versions.

Pages carry their language in the URL prefix (``/en/``, ``/fr/``, ``/de/``); a path without one
(the bare ``/``, or an old link) redirects to the visitor's language: the one they chose before
(a cookie), else their browser's preference. The API and other paths without a prefix take
``?lang=`` or ``Accept-Language`` and name the language served in ``Content-Language``.
"""

import functools

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.middleware import locale
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

API_PREFIX = "/api/"
LANGUAGE_PARAMETER = "lang"


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, plus ``?lang=`` on the API (a bad code is a JSON 400)."""

    def process_request(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        requested = request.GET.get(LANGUAGE_PARAMETER)
        if not requested:  # empty, like any query parameter, is as if not sent
            language = translation.get_language_from_request(request)
        elif requested.lower() in language_codes():
            language = requested.lower()
        else:
            # Answered in the language the client would otherwise get, so it can read why.
            translation.activate(translation.get_language_from_request(request))
            return JsonResponse(
                {
                    "detail": _("Invalid input."),
                    "errors": {
                        LANGUAGE_PARAMETER: [
                            _("“%(code)s” is not a language of the portal; use one of %(codes)s.")
                            % {"code": requested[:20], "codes": ", ".join(language_codes())}
                        ]
                    },
                },
                status=400,
            )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def language_parameters(result, generator, request, public):
    """Schema post-processing: ``?lang=`` and ``Accept-Language`` on every operation."""
    codes = language_codes()
    for path in result.get("paths", {}).values():
        for operation in path.values():
            operation.setdefault("parameters", []).append(
                {
                    "name": LANGUAGE_PARAMETER,
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": codes},
                    "description": "The language of the texts; without it, Accept-Language "
                    "decides. The response's Content-Language names the language served.",
                }
            )
    return result


@functools.lru_cache(maxsize=4096)
def translated_path(path: str, current: str, language: str) -> str:
    """``path``, served in ``current``, in ``language``: resolving and reversing it depends on
    the URLs and the active language alone, and every page view asks for each language."""
    return translate_url(path, language)


@functools.lru_cache(maxsize=16)
def switch_url(language: str) -> str:
    """The address that switches to ``language`` (outside the language prefixes)."""
    return reverse("switch_language", args=[language])


def languages(request):
    """The language switcher and the hreflang alternates of the current page, for base.html."""
    path = escape_uri_path(request.path)
    query = request.META.get("QUERY_STRING", "")
    query = f"?{iri_to_uri(query)}" if query else ""
    current = translation.get_language()
    alternates = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        alternates.append(
            {
                "code": code,
                # Each language names itself, so a reader finds theirs whatever the page's.
                "name": info["name_local"],
                "url": translated_path(path, current, code) + query,
                "switch_url": switch_url(code),
                "is_current": code == current,
            }
        )
    return {"language_alternates": alternates}


@require_GET
def switch_language(request, language: str):
    """Remember the visitor's choice in a cookie and show the same page in that language.

    A plain link rather than Django's POST ``set_language``: it needs no form, no CSRF token
    (whose cookie would keep every page out of the page cache) and no JavaScript.
    """
    if language not in language_codes():
        raise Http404(_("The portal is not translated into this language."))
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(translate_url(target, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
