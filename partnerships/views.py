"""The partnerships, organisations and documents pages, the downloads and the search."""

from urllib.parse import quote

from django.conf import settings
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.maps import country_map, members_label
from core.models import PublicationStatus
from core.queries import rows_once, value_counts
from core.views import FilteredListView, PublicDetailView, csv_url

from . import commitments, selectors
from .filters import CommitmentFilter, DocumentFilter, OrganisationFilter, PartnershipFilter
from .forms import SearchForm
from .models import (
    Commitment,
    Document,
    DocumentFile,
    Language,
    MatchesOf,
    NutsRegion,
    Organisation,
    OrganisationType,
    Partnership,
)

# The API list whose CSV holds each search group's records in full (ecosystems: no export, as
# the page shows all 14 it finds).
SEARCH_EXPORTS = {
    "partnerships": "api:partnership-list",
    "organisations": "api:organisation-list",
    "documents": "api:document-list",
}

# The partnership filter of the document library offers this many choices at most.
PARTNERSHIP_CHOICES = 50


def without_counts(options) -> list[tuple[str, str, None]]:
    """Choices for a select that shows no counts (the facet template takes triples)."""
    return [(value, label, None) for value, label in options]


def region_choices(counts: dict[str, int], chosen) -> list[tuple[str, str, int]]:
    """The regions a list finds something in, and those chosen, with their counts.

    Of some 300 regions only those with a result are offered, so the select stays short.
    """
    chosen_codes = {region.code for region in chosen or ()}
    return [
        (code, label, counts.get(code, 0))
        for code, label in selectors.region_options()
        if counts.get(code) or code in chosen_codes
    ]


class PartnershipListView(FilteredListView):
    api_list = "api:partnership-list"
    template_name = "partnerships/partnership_list.html"
    filterset_class = PartnershipFilter

    def get_base_queryset(self):
        return Partnership.objects.published()

    def count_facets(self):
        in_ecosystems = self.others_filtered("ecosystem")
        linked = Partnership.linked_ecosystems.through.objects.filter(
            partnership__in=in_ecosystems.order_by().values("pk")
        )
        covering = NutsRegion.objects.covered_by(
            self.others_filtered("region"), known=[code for code, _ in selectors.region_options()]
        )
        return {
            **value_counts(
                kind=[(self.others_filtered("kind"), "kind")],
                scope=[(self.others_filtered("scope"), "scope")],
                # A partnership counts for its own ecosystem and each one linked to it.
                ecosystem=[(in_ecosystems, "ecosystem__slug"), (linked, "ecosystem__slug")],
            ),
            "region": {code: len(ids) for code, ids in covering.items()},
        }

    def filtered_choices(self):
        counts = self.facet_counts()
        return {
            "facets": {
                "kind": self.choices(Partnership.Kind.choices, counts["kind"]),
                "scope": self.choices(Partnership.Scope.choices, counts["scope"]),
                "ecosystem": self.choices(selectors.ecosystem_options(), counts["ecosystem"]),
                "region": region_choices(counts["region"], self.cleaned_filters().get("region")),
            }
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            countries=without_counts(selectors.covered_countries()),
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

    def get_context_data(self, **kwargs):
        partnership = self.object  # loaded with for_detail(): published parts only
        members = partnership.published_memberships
        # Curators (and a preview link) see the page as it will be once its drafts are
        # published too, the drafts marked; never drawn as remembered records.
        draft_members = (
            list(partnership.draft_memberships()) if self.shows_drafts(Organisation) else []
        )
        draft_documents = list(partnership.draft_documents()) if self.shows_drafts(Document) else []
        groups = {}
        for membership in members:
            groups.setdefault(membership.get_role_display(), ([], []))[0].append(membership)
        for membership in draft_members:
            groups.setdefault(membership.get_role_display(), ([], []))[1].append(membership)
        # From the rows already prefetched: a country it covers, or where a member is.
        counts = dict.fromkeys((c.code for c in partnership.countries.all()), 0)
        for membership in [*members, *draft_members]:
            if code := membership.organisation.country_id:
                counts[code] = counts.get(code, 0) + 1
        # Member counts the sources report (prefetched), oldest first: the last is the latest.
        reported = list(partnership.member_counts.all())
        return super().get_context_data(
            # Its commitments with their reports: two queries, and one when it has none.
            pledges=tracked(
                Commitment.objects.filter(partnership=partnership).prefetch_related("reports"),
                timezone.localdate(),
            ),
            today=timezone.localdate(),
            rule=commitments.RULE,
            member_groups=[
                (role, shown, drafts, len(shown) + len(drafts))
                for role, (shown, drafts) in groups.items()
            ],
            named_count=len(members) + len(draft_members),
            draft_documents=draft_documents,
            member_counts=reported,
            latest_count=reported[-1] if reported else None,
            country_map=country_map(
                counts,
                # An EU-wide partnership covers no listed country: its map only shows where
                # the members it lists are established, and says so.
                caption=_("It works EU-wide; the countries of its listed members")
                if partnership.coverage == Partnership.Coverage.EU_WIDE
                else _("Countries this partnership covers or has members in"),
                count_heading=_("Members listed"),
                label=members_label,
                others_label=_("not covered"),
            ),
            **kwargs,
        )


def tracked(rows, today) -> list[dict]:
    """Each commitment with its status on ``today`` and, for its chart and table, the years
    of its pledged path and reports (``partnerships.commitments``)."""
    return [
        {
            "commitment": commitment,
            "standing": commitments.standing(commitment, today),
            "points": commitments.points(commitment),
            "drawing": commitments.drawing(commitment),
            "latest": max(commitment.reports.all(), key=lambda r: r.year, default=None),
        }
        for commitment in rows
    ]


TRACKER_COLUMNS = ["partnership", "target_year", "status"]


def commitment_tracker(request):
    """Every commitment of the published partnerships with its status on the day shown,
    filtered by ecosystem and status, sorted by any column; the same rows as CSV."""
    filterset = CommitmentFilter(
        request.GET or None,
        queryset=Commitment.objects.of(Partnership.objects.published()),
        request=request,
    )
    today = timezone.localdate()
    rows = tracked(filterset.qs.for_tracker(), today)
    errors = filterset.errors
    valid = {
        name: request.GET.getlist(name)
        for name in filterset.form.fields
        if name in request.GET and name not in errors
    }
    current = valid.get("ordering", [""])[0]
    sort_links = {}
    for column in TRACKER_COLUMNS:
        query = request.GET.copy()
        query["ordering"] = f"-{column}" if current == column else column
        sort_links[column] = {
            "query": query.urlencode(),
            "sorted": "ascending"
            if current == column
            else "descending"
            if current == f"-{column}"
            else "",
        }
    fields = filterset.form.fields
    return render(
        request,
        "partnerships/commitment_tracker.html",
        {
            "rows": rows,
            "today": today,
            "rule": commitments.RULE,
            "filter_values": {name: values[0] for name, values in valid.items() if values},
            "filter_errors": errors,
            "options": {
                name: without_counts((str(v), label) for v, label in fields[name].choices if v)
                for name in ("ecosystem", "status", "ordering")
            },
            "sort_links": sort_links,
            "csv_url": csv_url("api:commitment-list", valid),
            "is_filtered": any(valid.get(name) != [""] for name in valid if name != "ordering"),
        },
    )


# What the page reads of its query string, for the page cache's key (core/cache/pages.py).
commitment_tracker.query_parameters = ("ecosystem", "status", "ordering")


class OrganisationListView(FilteredListView):
    api_list = "api:organisation-list"
    template_name = "partnerships/organisation_list.html"
    filterset_class = OrganisationFilter

    def get_base_queryset(self):
        return Organisation.objects.published()

    def count_facets(self):
        return value_counts(
            type=[(self.others_filtered("type"), "type")],
            region=[(self.others_filtered("region"), "region")],
        )

    def filtered_choices(self):
        counts = self.facet_counts()
        return {
            "facets": {
                "type": self.choices(OrganisationType.choices, counts["type"]),
                "region": region_choices(counts["region"], self.cleaned_filters().get("region")),
            }
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            countries=without_counts(selectors.organisation_countries()), **kwargs
        )


class OrganisationDetailView(PublicDetailView):
    model = Organisation
    template_name = "partnerships/organisation_detail.html"

    def get_context_data(self, **kwargs):
        drafts = self.object.draft_memberships() if self.shows_drafts(Partnership) else []
        return super().get_context_data(draft_memberships=list(drafts), **kwargs)


class DocumentListView(FilteredListView):
    api_list = "api:document-list"
    template_name = "partnerships/document_list.html"
    filterset_class = DocumentFilter

    def get_base_queryset(self):
        return Document.objects.published()

    def count_facets(self):
        languages = DocumentFile.objects.filter(
            document__in=self.others_filtered("language").order_by().values("pk")
        )
        return {
            **value_counts(
                kind=[(self.others_filtered("kind"), "kind")], language=[(languages, "language")]
            ),
            "partnership": self.partnership_choices(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            ecosystems=without_counts(selectors.ecosystem_options()),
            years=without_counts((str(year), str(year)) for year in selectors.document_years()),
            ordering_choices=without_counts(
                [
                    ("-date", _("Date, newest first")),
                    ("date", _("Date, oldest first")),
                    ("title", _("Title, A to Z")),
                ]
            ),
            **kwargs,
        )
        # Where the text of each document shown has the words: drawn beside its record.
        text = (self.cleaned_filters().get("q") or "").strip()
        context["text_matches"] = MatchesOf(text, get_language())
        return context

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
        # Each matching document once, read in place where the filters join nothing: matched
        # by id to the filtered rows, every published document was read twice (at factor 100,
        # the unfiltered counts took 16.7 ms, 6.4 ms read once).
        matching = rows_once(self.others_filtered("partnership")).filter(
            partnership__status=PublicationStatus.PUBLISHED
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

    def get_context_data(self, **kwargs):
        drafts = self.object.drafts_shown() if self.shows_drafts(Partnership) else []
        return super().get_context_data(draft_partnership=next(iter(drafts), None), **kwargs)


class DocumentTextView(PublicDetailView):
    """A language version's text as HTML, page by page (``#p7``), with the PDF's outline as
    headings: for phones, screen readers and links to a passage. The PDF stays authoritative.

    Whoever may see the document may read its text (``reachable_by()``): drafts are a 404.
    """

    model = Document
    template_name = "partnerships/document_text.html"

    def get_context_data(self, **kwargs):
        language = self.kwargs["language"]
        version = next(
            (v for v in self.object.files.all() if v.language == language and v.file), None
        )
        if version is None:
            raise Http404("No uploaded file in this language.")
        pages = list(version.pages.all()) if version.has_text else []
        return super().get_context_data(
            version=version,
            pages=pages,
            contents=[(page, title) for page in pages for _level, title in page.headings],
            **kwargs,
        )


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
        for key, label, list_url in selectors.search_groups():
            count, results = selectors.search_results(key, text)
            groups.append(
                {
                    "key": key,
                    "label": label,
                    "count": count,
                    "results": results,
                    # Documents found by their text show where: the page and a snippet.
                    "matches": MatchesOf(text, get_language()) if key == "documents" else None,
                    "list_url": list_url,
                    "csv_url": csv_url(SEARCH_EXPORTS[key], {"q": [text]})
                    if key in SEARCH_EXPORTS
                    else "",
                }
            )
    total = sum(group["count"] for group in groups)
    return render(
        request,
        "partnerships/search.html",
        {
            "q": text,
            "error": " ".join(form.errors.get("q", [])),
            "groups": groups,
            "total": total,
            "suggestion": selectors.did_you_mean(text) if text and not total else "",
        },
    )


# What the page cache keys a search on (core/cache/pages.py): the words and nothing else.
search.query_parameters = ("q",)
