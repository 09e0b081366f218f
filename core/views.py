"""The bases of the public list and detail pages."""

import csv
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, TemplateView

from . import selectors
from .curation import PreviewLink
from .models import PublicationStatus, sees_drafts

PAGE_SIZE = 20


class FilteredListView(TemplateView):
    """A published list narrowed by its FilterSet, paginated, forgiving of bad input.

    Invalid filter values are shown as form errors and ignored; a page number that is not a
    number, or past the end, shows the nearest real page with a message instead of a 404.
    Subclasses set ``filterset_class`` and implement ``get_base_queryset()`` (published rows);
    ``api_list`` names the API list that serves the same records, whose CSV the page offers.
    A list whose choices show how many results each would give implements
    ``count_facets()`` and ``filtered_choices()``: a facet's counts apply every current filter
    except its own, so they answer "what would I get if I chose this instead".

    The page's records are the rows of ``object_list``, a queryset not yet read: a template
    that draws them as remembered fragments (``{% rendered_each %}``) reads their ids alone.
    """

    filterset_class = None
    api_list = None
    paginate_by = PAGE_SIZE

    def get_base_queryset(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )
        form = self.filterset.form
        queryset = self.filterset.qs
        paginator = Paginator(queryset.for_list(), self.paginate_by)
        # Counted over the data set like the facets, and remembered with them.
        paginator.count = selectors.filtered_count(self.filters_key(), queryset)
        page, message = nearest_page(paginator, self.request.GET.get("page"))
        return super().get_context_data(
            filterset=self.filterset,
            filter_values={name: form.data[name] for name in form.fields if name in form.data},
            filter_errors=self.filterset.errors,
            paginator=paginator,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            page_message=message,
            object_list=page.object_list,
            csv_url=csv_url(self.api_list, self.valid_parameters()),
            **self.filtered_choices(),
            **filter_links(self.request),
            **kwargs,
        )

    def valid_parameters(self) -> dict[str, list[str]]:
        """The filter values as sent, less those the form refused (which the page ignores)."""
        errors = self.filterset.errors
        return {
            name: self.request.GET.getlist(name)
            for name in self.filterset.form.fields
            if name in self.request.GET and name not in errors
        }

    def filtered_choices(self) -> dict:
        """The template's choices whose counts depend on the filters, such as ``facets``."""
        return {}

    def cleaned_filters(self) -> dict:
        """The filter values the page's own form validated; invalid ones are left out."""
        return self.filterset.form.cleaned_data if self.filterset.is_bound else {}

    def others_filtered(self, name: str):
        """The rows every filter but ``name`` leaves, for ``name``'s facet counts."""
        # Reuses the values the page's own form already validated: no second validation, no
        # second lookup of slugs and codes in the database.
        queryset = self.get_base_queryset()
        for field, value in self.cleaned_filters().items():
            if field not in (name, "ordering"):
                queryset = self.filterset.filters[field].filter(queryset, value)
        return queryset

    def count_facets(self) -> dict[str, dict]:
        """Each facet's counts by value: one grouped query per facet."""
        raise NotImplementedError

    def facet_counts(self) -> dict[str, dict]:
        """The counts for the current filters, once per content change for each set of them."""
        return selectors.facet_counts(self.filters_key(), self.count_facets)

    def filters_key(self) -> tuple:
        """The list and its validated filter values (their order is not one)."""
        chosen = sorted(
            (field, key_value(value))
            for field, value in self.cleaned_filters().items()
            if field != "ordering" and key_value(value)
        )
        return (type(self).__name__, tuple(chosen))

    @staticmethod
    def choices(options, counts: dict) -> list[tuple[str, str, int]]:
        return [(value, str(label), counts.get(value, 0)) for value, label in options]


def key_value(value) -> str:
    """A validated filter value as text: a record by its key, several (a multiple choice,
    already read by its validation) by theirs in order; empty for no value."""
    if value is None:
        return ""
    if isinstance(value, QuerySet | list | tuple):
        return ",".join(sorted(str(getattr(item, "pk", item)) for item in value))
    return str(getattr(value, "pk", value))


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


def csv_url(api_list: str, parameters: dict[str, list[str]]) -> str:
    """The API's CSV export of the list ``parameters`` filter, in the page's language.

    The page links to the API rather than writing CSV itself: the same FilterSet picks the
    records, the same renderer writes the same columns, the API shows published records only,
    and the page cache keeps each export under its own parameters.
    """
    query = [(name, value) for name, values in parameters.items() for value in values if value]
    query += [("format", "csv"), ("lang", get_language())]
    return f"{reverse(api_list)}?{urlencode(query)}"


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

    Anything not published is marked on the page and never stored by shared caches. Curators
    (and holders of a preview link) also see the drafts the page will show once they are
    published, each marked "Draft" (``shows_drafts()``): such a page is never stored either.
    """

    # A record's page reads no query parameter (core/cache/pages.py keys it without them).
    query_parameters = ()
    # The link through which ``preview()`` shows a draft to a reader without an account.
    preview_link = None

    def get_queryset(self):
        if self.preview_link is not None:
            return self.model.objects.filter(pk=self.preview_link.object_id).for_detail()
        return self.model.objects.reachable_by(self.request.user).for_detail()

    def shows_drafts(self, model) -> bool:
        """Whether the page shows the drafts of ``model`` it links to, marked as such."""
        return self.preview_link is not None or sees_drafts(self.request.user, model)

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview_link=self.preview_link, **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_published or self.shows_drafts(self.model):
            add_never_cache_headers(response)
        return response


@require_GET
def preview(request, token: str):
    """A draft's page for whoever holds a preview link to it (``PreviewLink``), while the link
    is neither revoked nor expired. Never stored by any cache, never indexed, and the secret
    address is sent to no other site (``Referrer-Policy``)."""
    link = (
        PreviewLink.objects.filter(token_hash=PreviewLink.hash(token))
        .select_related("content_type")
        .first()
    )
    record = link.record if link is not None else None
    if link is None:
        response = _unavailable(request, _("This preview link does not exist."), 404)
    elif not link.is_usable or record is None:
        response = _unavailable(
            request, _("This preview link was revoked or has expired: ask for a new one."), 410
        )
    elif record.status != PublicationStatus.DRAFT:
        # Published (or archived) since: its own page shows it.
        response = HttpResponseRedirect(record.get_absolute_url())
    else:
        response = _previewed(request, link, record)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


# It reads no query parameter.
preview.query_parameters = ()


def _previewed(request, link, record):
    """The record's own page, drawn by its own view as a curator would see it."""
    try:
        match = resolve(record.get_absolute_url())
    except Resolver404:
        match = None
    view = getattr(match.func, "view_class", None) if match else None
    if view is None or not issubclass(view, PublicDetailView):
        return _unavailable(request, _("This record has no page to preview."), 404)
    response = view.as_view(preview_link=link)(request, *match.args, **match.kwargs)
    response.render()
    return response


def _unavailable(request, message: str, status: int) -> HttpResponse:
    return render(request, "preview_unavailable.html", {"message": message}, status=status)


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    """``rows`` as a CSV file to download, under ``header``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
