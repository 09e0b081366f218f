import dataclasses
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ecosystems.models import Ecosystem
from figures.maps import country_map, members_label
from pactportal.cache import (
    RecordIds,
    digest,
    record_html_until_content_changes,
    sent_parameters,
    until_content_changes,
)
from pactportal.models import PublicationStatus
from pactportal.views import PAGE_SIZE, PublicDetailView, filter_links, nearest_page

from .filters import DocumentFilter, OrganisationFilter, PartnershipFilter
from .forms import SearchForm
from .models import (
    Country,
    Document,
    DocumentFile,
    Language,
    Organisation,
    OrganisationType,
    Partnership,
)

SEARCH_RESULTS_PER_GROUP = 10
# The partnership filter of the document library offers this many choices at most.
PARTNERSHIP_CHOICES = 50


def _counts(queryset, field: str) -> dict:
    """How many rows of ``queryset`` have each value of ``field``: one grouped query."""
    # Through a subquery, so search ranks and other annotations never enter the GROUP BY; each
    # row is counted once, as ``field`` is on the row itself or behind a foreign key.
    rows = queryset.model.objects.filter(pk__in=queryset.order_by().values("pk"))
    return dict(rows.order_by().values_list(field).annotate(n=Count("pk")))


def ecosystem_options() -> list[tuple[str, str]]:
    """``(slug, name)`` of the 14 ecosystems for a filter, read once per content change."""
    return until_content_changes(
        "ecosystem-options", lambda: list(Ecosystem.objects.values_list("slug", "name"))
    )


def without_counts(options) -> list[tuple[str, str, None]]:
    """Choices for a select that shows no counts (the facet template takes triples)."""
    return [(value, label, None) for value, label in options]


@dataclasses.dataclass(frozen=True)
class Listing:
    """What a filtered list shows for one set of filter values and one page number.

    The same for every request that sends those values, until content changes: the values
    again (to fill the form), the messages of those that were ignored, the total, the page
    shown (and why, if it is not the one asked for), the ids of its records, and the choices
    whose counts depend on the filters.
    """

    values: dict[str, str]
    errors: dict[str, list[str]]
    count: int
    number: int
    message: str
    ids: list
    choices: dict


class FacetedListView(TemplateView):
    """A published list narrowed by its FilterSet, paginated, whose choices show how many
    results each would give; forgiving of bad input, like ``FilteredListView``.

    A facet's counts apply every current filter except its own, so they answer "what would I
    get if I chose this instead". Each facet costs one grouped query, whatever the data size.

    With the page cache on, the ``Listing`` of each set of filter values is remembered until
    content changes: another request with the same values, whatever else its address holds,
    neither validates nor queries anything, and the page is composed from it.
    """

    filterset_class = None
    paginate_by = PAGE_SIZE
    records_as_fragments = False  # the template draws its rows with {% rendered_each %}

    def get_base_queryset(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        listing = self.get_listing()
        paginator = Paginator(range(listing.count), self.paginate_by)
        page = paginator.page(listing.number)
        return super().get_context_data(
            filter_values=listing.values,
            filter_errors=listing.errors,
            paginator=paginator,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            page_message=listing.message,
            object_list=self.records(listing.ids),
            **listing.choices,
            **filter_links(self.request),
            **kwargs,
        )

    def get_listing(self) -> Listing:
        if not settings.PAGE_CACHE_SECONDS:
            return self.make_listing()
        # Keyed on the parameters the list reads, as sent: unknown ones change nothing.
        sent = sent_parameters(self.request.GET, [*self.filterset_class.base_filters, "page"])
        return until_content_changes(
            f"listing.{type(self).__name__}.{digest(sent)}", self.make_listing
        )

    def make_listing(self) -> Listing:
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )
        form = self.filterset.form
        queryset = self.filterset.qs
        paginator = Paginator(
            queryset if self.draws_fragments() else queryset.for_list(), self.paginate_by
        )
        # How many rows the filters leave: counted over the data set like the facets, and
        # remembered with them.
        paginator.count = until_content_changes(f"total.{self.filters_key()}", queryset.count)
        page, message = nearest_page(paginator, self.request.GET.get("page"))
        if self.draws_fragments():
            ids = list(page.object_list.values_list("pk", flat=True))
        else:  # loaded now with what the list shows, for this request
            self.loaded = list(page.object_list)
            ids = [record.pk for record in self.loaded]
        return Listing(
            values={name: form.data[name] for name in form.fields if name in form.data},
            errors={name: [str(e) for e in errors] for name, errors in form.errors.items()},
            count=paginator.count,
            number=page.number,
            message=message,
            ids=ids,
            choices=self.filtered_choices(),
        )

    def draws_fragments(self) -> bool:
        """Whether the page's records are remembered fragments, which need only their ids."""
        return self.records_as_fragments and bool(settings.PAGE_CACHE_SECONDS)

    def records(self, ids: list):
        """The records of the page: their ids alone when the template draws remembered
        fragments, else loaded with what the list shows."""
        model = self.filterset_class._meta.model
        if self.draws_fragments():
            return RecordIds(model, ids)
        if (loaded := getattr(self, "loaded", None)) is not None:
            return loaded
        found = model.objects.for_list().in_bulk(ids)  # a remembered listing's page
        return [found[pk] for pk in ids if pk in found]

    def filtered_choices(self) -> dict:
        """The template's choices that depend on the filters, such as ``facets``."""
        raise NotImplementedError

    def cleaned_filters(self) -> dict:
        """The filter values the page's own form validated; invalid ones are left out."""
        return self.filterset.form.cleaned_data if self.filterset.is_bound else {}

    def others_filtered(self, name: str):
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
        """The counts for the current filters, once per content change for each set of them.

        Each facet counts over every published row the other filters leave, as the home page's
        figures count over all of them; the same filters give the same counts until content
        changes, so they are remembered under the filters' validated values.
        """
        return until_content_changes(f"facets.{self.filters_key()}", self.count_facets)

    def filters_key(self) -> str:
        """The list and its validated filter values (the order is not one), as a cache key."""
        chosen = sorted(
            (field, getattr(value, "pk", value))
            for field, value in self.cleaned_filters().items()
            if field != "ordering" and value not in (None, "")
        )
        return f"{type(self).__name__}.{digest(chosen)}"

    @staticmethod
    def choices(options, counts: dict) -> list[tuple[str, str, int]]:
        return [(value, str(label), counts.get(value, 0)) for value, label in options]


class PartnershipListView(FacetedListView):
    template_name = "partnerships/partnership_list.html"
    filterset_class = PartnershipFilter
    records_as_fragments = True

    def get_base_queryset(self):
        return Partnership.objects.published()

    def count_facets(self):
        ecosystems = _counts(self.others_filtered("ecosystem"), "ecosystem__slug")
        linked = Partnership.linked_ecosystems.through.objects.filter(
            partnership__in=self.others_filtered("ecosystem").order_by().values("pk")
        )
        for slug, n in _counts(linked, "ecosystem__slug").items():
            ecosystems[slug] = ecosystems.get(slug, 0) + n
        return {
            "kind": _counts(self.others_filtered("kind"), "kind"),
            "scope": _counts(self.others_filtered("scope"), "scope"),
            "ecosystem": ecosystems,
        }

    def filtered_choices(self):
        counts = self.facet_counts()
        return {
            "facets": {
                "kind": self.choices(Partnership.Kind.choices, counts["kind"]),
                "scope": self.choices(Partnership.Scope.choices, counts["scope"]),
                "ecosystem": self.choices(ecosystem_options(), counts["ecosystem"]),
            }
        }

    def get_context_data(self, **kwargs):
        countries = until_content_changes(
            "covered-countries",
            lambda: Country.objects.covered_by(Partnership.objects.published()).options(),
        )
        return super().get_context_data(
            countries=without_counts(countries),
            ordering_choices=without_counts(
                [
                    ("name", _("Name, A to Z")),
                    ("-name", _("Name, Z to A")),
                    ("-launched", _("Launch date, newest first")),
                    ("launched", _("Launch date, oldest first")),
                ]
            ),
            scopes=Partnership.Scope.choices,
            **kwargs,
        )


class PartnershipDetailView(PublicDetailView):
    model = Partnership
    template_name = "partnerships/partnership_detail.html"

    def get_queryset(self):
        # With the page cache on, the record is found by its slug alone: what its body shows
        # (a hundred members, documents, regions) is loaded only to draw a body not remembered.
        if settings.PAGE_CACHE_SECONDS:
            return self.model.objects.reachable_by(self.request.user)
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        def draw():
            return partnership_body(Partnership.objects.for_detail().get(pk=self.object.pk))

        if not settings.PAGE_CACHE_SECONDS:
            body = partnership_body(self.object)  # found through for_detail() already
        elif self.object.is_published:
            body = record_html_until_content_changes("partnership-body", self.object.pk, draw)
        else:  # a draft, for the curators who may see it: always as it is now
            body = draw()
        return super().get_context_data(body=body, **kwargs)


def partnership_body(partnership) -> str:
    """The partnership page's record, from a partnership loaded with ``for_detail()``."""
    members = partnership.published_memberships
    groups = {}
    for membership in members:
        groups.setdefault(membership.get_role_display(), []).append(membership)
    # From the rows already prefetched: a country it covers, or where a member is.
    counts = dict.fromkeys((c.code for c in partnership.countries.all()), 0)
    for membership in members:
        if code := membership.organisation.country_id:
            counts[code] = counts.get(code, 0) + 1
    return render_to_string(
        "partnerships/includes/partnership_body.html",
        {
            "partnership": partnership,
            "member_groups": groups.items(),
            "country_map": country_map(
                counts,
                caption=_("Countries this partnership covers or has members in"),
                count_heading=_("Members listed"),
                label=members_label,
                others_label=_("not covered"),
            ),
        },
    )


class OrganisationListView(FacetedListView):
    template_name = "partnerships/organisation_list.html"
    filterset_class = OrganisationFilter

    def get_base_queryset(self):
        return Organisation.objects.published()

    def count_facets(self):
        return {"type": _counts(self.others_filtered("type"), "type")}

    def filtered_choices(self):
        counts = self.facet_counts()
        return {"facets": {"type": self.choices(OrganisationType.choices, counts["type"])}}

    def get_context_data(self, **kwargs):
        countries = until_content_changes(
            "organisation-countries",
            lambda: Country.objects.filter(
                code__in=Organisation.objects.published().values("country")
            ).options(),
        )
        return super().get_context_data(countries=without_counts(countries), **kwargs)


class OrganisationDetailView(PublicDetailView):
    model = Organisation
    template_name = "partnerships/organisation_detail.html"


class DocumentListView(FacetedListView):
    template_name = "partnerships/document_list.html"
    filterset_class = DocumentFilter
    records_as_fragments = True

    def get_base_queryset(self):
        return Document.objects.published()

    def count_facets(self):
        languages = DocumentFile.objects.filter(
            document__in=self.others_filtered("language").order_by().values("pk")
        )
        return {
            "kind": _counts(self.others_filtered("kind"), "kind"),
            "language": _counts(languages, "language"),
            "partnership": self.partnership_choices(),
        }

    def get_context_data(self, **kwargs):
        years = until_content_changes(
            "document-years",
            lambda: [
                date.year
                for date in Document.objects.published()
                .filter(issued_on__isnull=False)
                .dates("issued_on", "year", "DESC")
            ],
        )
        return super().get_context_data(
            ecosystems=without_counts(ecosystem_options()),
            years=without_counts((str(year), str(year)) for year in years),
            ordering_choices=without_counts(
                [
                    ("-date", _("Date, newest first")),
                    ("date", _("Date, oldest first")),
                    ("title", _("Title, A to Z")),
                ]
            ),
            **kwargs,
        )

    def filtered_choices(self):
        counts = self.facet_counts()
        partnerships, truncated = counts["partnership"]
        return {
            "facets": {
                "kind": self.choices(Document.Kind.choices, counts["kind"]),
                "language": self.choices(Language.choices, counts["language"]),
            },
            "partnerships": partnerships,
            "partnerships_truncated": truncated,
        }

    def partnership_choices(self) -> tuple[list[tuple[str, str, int]], bool]:
        """The partnerships with the most matching documents, and the one chosen, if any.

        At scale thousands of partnerships have documents; a select of them all would make the
        page several hundred kilobytes. Each partnership's page links to all its documents.
        """
        matching = Document.objects.filter(
            pk__in=self.others_filtered("partnership").order_by().values("pk"),
            partnership__status=PublicationStatus.PUBLISHED,
        )
        per_partnership = (
            matching.order_by()
            .values_list("partnership__slug", "partnership__name")
            .annotate(n=Count("pk"))
        )
        top = list(per_partnership.order_by("-n", "partnership__slug")[: PARTNERSHIP_CHOICES + 1])
        truncated = len(top) > PARTNERSHIP_CHOICES
        choices = top[:PARTNERSHIP_CHOICES]
        # The validated choice: raw input may name nothing, or hold bytes no query may carry.
        chosen = self.cleaned_filters().get("partnership")
        if chosen and chosen.slug not in {slug for slug, _name, _n in choices}:
            n = matching.filter(partnership=chosen).count()
            choices.append((chosen.slug, chosen.name, n))
        return sorted(choices, key=lambda choice: (choice[1], choice[0])), truncated


class DocumentDetailView(PublicDetailView):
    model = Document
    template_name = "partnerships/document_detail.html"


def document_download(request, slug: str, language: str):
    """An uploaded language version, as a PDF download with a readable file name.

    Only versions of documents the reader may see: the public gets published and archived
    ones, curators (the document's view permission) drafts as well. Past that check the bytes
    come from one of three places, by settings: object storage through a signed redirect,
    nginx (X-Accel-Redirect), or this worker.
    """
    document = get_object_or_404(Document.objects.reachable_by(request.user), slug=slug)
    version = document.files.filter(language=language).exclude(file="").first()
    if version is None:
        raise Http404("No uploaded file in this language.")
    filename = f"{document.slug}-{language}.pdf"
    if settings.DOCUMENT_STORAGE_BUCKET:
        response = signed_storage_redirect(version.file, filename)
    elif settings.DOCUMENT_ACCEL_REDIRECT:
        response = accel_redirect(version.file, filename)
    else:
        response = streamed_file(version.file, filename)
    if not document.is_published:
        add_never_cache_headers(response)
    return response


def signed_storage_redirect(file, filename: str) -> HttpResponseRedirect:
    """A redirect to object storage, signed for a few minutes, that downloads as ours would.

    The bucket is private, so the signature is the only way in; the file name and type are
    forced through the URL because the object's own metadata is whatever the upload left.
    Whether the object exists is not asked: that would be a round trip to the store on every
    download for a case (a file lost from the bucket) that the store answers itself.
    """
    url = file.storage.url(
        file.name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": "application/pdf",
        },
        expire=settings.DOCUMENT_STORAGE_URL_SECONDS,
    )
    response = HttpResponseRedirect(url)
    # The address stops working within minutes: no browser or proxy may keep the redirect.
    add_never_cache_headers(response)
    return response


def accel_redirect(file, filename: str) -> HttpResponse:
    """An empty answer that tells nginx which file under MEDIA_ROOT to send.

    nginx keeps Content-Type, Content-Disposition and Cache-Control from this response; the
    security headers of the internal location are nginx's to add.
    """
    # A stat here, so a file missing from the disk is our 404 page rather than nginx's.
    if not file.storage.exists(file.name):
        raise Http404("The file is missing from storage.")
    response = HttpResponse(content_type="application/pdf")
    # Quoted, as nginx decodes it: a '?' in a name must start no query string, a '%' no escape.
    response["X-Accel-Redirect"] = settings.DOCUMENT_ACCEL_REDIRECT + quote(file.name)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def streamed_file(file, filename: str) -> FileResponse:
    """The file streamed by this worker: the development server, tests, no nginx in front."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


def search(request):
    """One search over ecosystems, partnerships, organisations and documents."""
    form = SearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    groups = []
    if text:
        sources = [
            ("ecosystems", _("Ecosystems"), Ecosystem.objects.all(), None),
            # Each result shows its name, summary or kind, and country: nothing to count.
            (
                "partnerships",
                _("Partnerships"),
                Partnership.objects.published(),
                "partnerships:list",
            ),
            (
                "organisations",
                _("Organisations"),
                Organisation.objects.published().select_related("country"),
                "partnerships:organisation_list",
            ),
            (
                "documents",
                _("Documents"),
                Document.objects.published(),
                "partnerships:document_list",
            ),
        ]
        words = digest(text)
        for key, label, queryset, list_url in sources:
            # Ranking runs over every match, like a facet count: the same words give the same
            # ranking until content changes.
            count, ids = until_content_changes(
                f"search.{key}.{words}",
                lambda queryset=queryset: queryset.ranking(text, SEARCH_RESULTS_PER_GROUP),
            )
            if settings.PAGE_CACHE_SECONDS:  # each result is a remembered fragment
                results = RecordIds(queryset.model, ids, queryset.in_bulk)
            else:
                rows = queryset.in_bulk(ids)
                results = [rows[pk] for pk in ids if pk in rows]
            groups.append(
                {
                    "key": key,
                    "label": label,
                    "count": count,
                    "results": results,
                    "list_url": list_url,
                }
            )
    return render(
        request,
        "partnerships/search.html",
        {
            "q": text,
            "error": " ".join(form.errors.get("q", [])),
            "groups": groups,
            "total": sum(group["count"] for group in groups),
        },
    )
