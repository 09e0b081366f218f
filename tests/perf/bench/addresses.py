"""Addresses nobody has asked for: true misses, found in-process from the data."""

import itertools
import random
import re
import urllib.parse


def miss_addresses(urls: dict[str, str], limit: int) -> dict[str, list[str]]:
    """For each benchmarked URL, up to ``limit`` addresses of the same view that nobody has
    asked for, in a random but repeatable order.

    Lists get combinations of real filter values, each once and each with at least one
    result, as a reader's choices in the facets give them; search gets words of the data;
    record pages get the other records' first views (an ecosystem's, in each language). The
    page and the API share what they remember of a list or a record, so they get different
    combinations and records. The home page reads no parameter: after the last change, every
    reader asks for the same three addresses, and its only miss is the first request after a
    change (measured as "cold").
    """
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from ecosystems.models import Ecosystem
    from partnerships.filters import DocumentFilter, OrganisationFilter, PartnershipFilter
    from partnerships.models import Document, DocumentFile, Organisation, Partnership

    rng = random.Random(f"pactportal-bench-{limit}")
    benchmarked = {urllib.parse.urlsplit(url).path: url for url in urls.values()}

    def taken(path: str, params: dict) -> bool:
        """Whether a benchmarked URL is this address (so it is no miss)."""
        url = benchmarked.get(path)
        return url is not None and urllib.parse.parse_qs(urllib.parse.urlsplit(url).query) == {
            name: [value] for name, value in params.items()
        }

    def combinations(path, filterset, queryset, choices: dict, count: int) -> list[str]:
        """``count`` addresses of ``path`` with random combinations of ``choices`` that the
        filter accepts and that find something."""
        found, seen = [], set()
        for _attempt in range(count * 10):
            # One to three filters, as a reader narrows a list down.
            chosen = set(rng.sample(sorted(choices), rng.randint(1, min(3, len(choices)))))
            params = {
                name: rng.choice(values) for name, values in choices.items() if name in chosen
            }
            key = tuple(sorted(params.items()))
            if key in seen or taken(path, params):
                continue
            seen.add(key)
            filtered = filterset(params, queryset=queryset)
            if filtered.is_valid() and filtered.qs.exists():
                found.append(f"{path}?{urllib.parse.urlencode(params)}")
                if len(found) == count:
                    break
        return found

    def years(queryset, field: str) -> list[str]:
        dates = queryset.exclude(**{field: None}).dates(field, "year")
        return [str(date.year) for date in dates]

    ecosystems = list(Ecosystem.objects.order_by("slug").values_list("slug", flat=True))
    published = Partnership.objects.published()
    organisations = Organisation.objects.published()
    documents = Document.objects.published()
    countries = sorted(set(organisations.values_list("country", flat=True)) - {None})
    partnership_choices = {
        "kind": Partnership.Kind.values,
        "country": countries,
        "ecosystem": ecosystems,
        "scope": Partnership.Scope.values,
        "year": years(published, "launched_on"),
    }
    shared = combinations(
        urlsplit_path(urls["partnership-list"]),
        PartnershipFilter,
        published,
        partnership_choices,
        2 * limit,
    )
    api_list = reverse("api:partnership-list")
    slugs = sorted(published.values_list("slug", flat=True))
    rng.shuffle(slugs)
    detail_slug = urlsplit_path(urls["partnership-detail"]).rstrip("/").rsplit("/", 1)[-1]
    slugs = [slug for slug in slugs if slug != detail_slug][: 2 * limit]
    page_slugs, api_slugs = slugs[0::2][:limit], slugs[1::2][:limit]

    ecosystem_pages = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            ecosystem_pages += [reverse("ecosystems:detail", args=[slug]) for slug in ecosystems]
    rng.shuffle(ecosystem_pages)

    words = set()
    for text in itertools.chain(
        published.values_list("name", flat=True),
        organisations.values_list("name", flat=True)[:20000],
        documents.values_list("title", flat=True),
    ):
        words.update(word.lower() for word in re.findall(r"[^\W\d_]{5,}", text or ""))
    words = sorted(words - {"skills"})
    rng.shuffle(words)
    search = urlsplit_path(urls["search"])

    return {
        "home": [],
        "ecosystem": [page for page in ecosystem_pages if page != urls["ecosystem"]][:limit],
        "partnership-list": shared[0::2][:limit],
        "partnership-detail": [reverse("partnerships:detail", args=[s]) for s in page_slugs],
        "document-list": combinations(
            urlsplit_path(urls["document-list"]),
            DocumentFilter,
            documents,
            {
                "kind": Document.Kind.values,
                "language": sorted(set(DocumentFile.objects.values_list("language", flat=True))),
                "ecosystem": ecosystems,
                "year": years(documents, "issued_on"),
            },
            limit,
        ),
        "search": [f"{search}?{urllib.parse.urlencode({'q': word})}" for word in words[:limit]],
        "api-partnership-list": [
            api_list + address[address.index("?") :] for address in shared[1::2]
        ][:limit],
        "api-partnership-detail": [reverse("api:partnership-detail", args=[s]) for s in api_slugs],
        "api-organisation-list": combinations(
            urlsplit_path(urls["api-organisation-list"]),
            OrganisationFilter,
            organisations,
            {
                "country": countries,
                "type": sorted(set(organisations.values_list("type", flat=True))),
                "ordering": ["name", "-name"],
            },
            limit,
        ),
    }


def urlsplit_path(url: str) -> str:
    return urllib.parse.urlsplit(url).path
