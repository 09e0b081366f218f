"""The bases of the public list and detail pages."""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from core.cache import until_content_changes

PAGE_SIZE = 20


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
    """A detail page: published and archived records for everyone, drafts for staff only.

    Anything not published is marked on the page and never stored by shared caches.
    """

    # A record's page reads no query parameter (core/cache/pages.py keys it without them).
    query_parameters = ()

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
