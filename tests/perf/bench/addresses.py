"""Addresses nobody has asked for: true misses, found in-process from the data.

The benchmark asks for a few hundred of each URL's view (``miss_addresses()``); the soak run
for tens of thousands of every kind of page (``soak_addresses()``). Both are made of real
values: filter combinations that the list's FilterSet accepts and that find something, the
pages those have, words of the data, published records.
"""

import itertools
import math
import random
import re
import urllib.parse

# Filter combinations tried for each list of the soak run: each gives every page it has.
SOAK_COMBINATIONS = 300
# Stands for a record's slug in an address reversed once per language.
SLUG = "soak-slug-placeholder"


def filter_combinations(
    rng: random.Random, filterset, queryset, choices: dict, count: int, skip=lambda params: False
) -> list[tuple[dict, int]]:
    """Up to ``count`` random combinations of one to three of ``choices``' filters, each once,
    as a reader's choices in the facets give them: those the filter accepts and that find
    something (and that ``skip`` does not refuse), with how many rows each finds."""
    found, seen = [], set()
    for _attempt in range(count * 10):
        # One to three filters, as a reader narrows a list down.
        chosen = set(rng.sample(sorted(choices), rng.randint(1, min(3, len(choices)))))
        params = {name: rng.choice(values) for name, values in choices.items() if name in chosen}
        key = tuple(sorted(params.items()))
        if key in seen or skip(params):
            continue
        seen.add(key)
        filtered = filterset(params, queryset=queryset)
        if filtered.is_valid() and (rows := filtered.qs.count()):
            found.append((params, rows))
            if len(found) == count:
                break
    return found


def filtered_lists() -> dict[str, tuple]:
    """Each filtered list's FilterSet, its published rows and the real values of its filters:
    kinds, countries with organisations, ecosystems, scopes, the years that occur, document
    languages, organisation types, orderings."""
    from ecosystems.models import Ecosystem
    from partnerships.filters import DocumentFilter, OrganisationFilter, PartnershipFilter
    from partnerships.models import Document, DocumentFile, Organisation, Partnership

    def years(queryset, field: str) -> list[str]:
        dates = queryset.exclude(**{field: None}).dates(field, "year")
        return [str(date.year) for date in dates]

    ecosystems = list(Ecosystem.objects.order_by("slug").values_list("slug", flat=True))
    partnerships = Partnership.objects.published()
    organisations = Organisation.objects.published()
    documents = Document.objects.published()
    countries = sorted(set(organisations.values_list("country", flat=True)) - {None})
    return {
        "partnerships": (
            PartnershipFilter,
            partnerships,
            {
                "kind": Partnership.Kind.values,
                "country": countries,
                "ecosystem": ecosystems,
                "scope": Partnership.Scope.values,
                "year": years(partnerships, "launched_on"),
            },
        ),
        "documents": (
            DocumentFilter,
            documents,
            {
                "kind": Document.Kind.values,
                "language": sorted(set(DocumentFile.objects.values_list("language", flat=True))),
                "ecosystem": ecosystems,
                "year": years(documents, "issued_on"),
            },
        ),
        "organisations": (
            OrganisationFilter,
            organisations,
            {
                "country": countries,
                "type": sorted(set(organisations.values_list("type", flat=True))),
                "ordering": ["name", "-name"],
            },
        ),
    }


def words_of_the_data() -> list[str]:
    """Words of five letters or more in the names and titles, sorted."""
    from partnerships.models import Document, Organisation, Partnership

    words = set()
    for text in itertools.chain(
        Partnership.objects.published().values_list("name", flat=True),
        Organisation.objects.published().values_list("name", flat=True)[:20000],
        Document.objects.published().values_list("title", flat=True),
    ):
        words.update(word.lower() for word in re.findall(r"[^\W\d_]{5,}", text or ""))
    return sorted(words)


def text_terms() -> list[str]:
    """The made-up terms of the generated documents' text that published pages hold, sorted:
    each in a few dozen pages at factor 100 (``pactportal.scale_data.RARE_WORDS``). The real
    data alone (factor 1) has no generated text: its documents' text is searched for "skills"."""
    from pactportal.scale_data import rare_words
    from partnerships.models import DocumentPage

    rare = set(rare_words())
    found = set()
    pages = DocumentPage.objects.filter(version__document__status="published")
    for text in pages.order_by("pk").values_list("text", flat=True)[:3000]:
        found.update(word for word in re.findall(r"[a-z]+", text.lower()) if word in rare)
    return sorted(found) or ["skills"]


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

    from pactportal.scale_data import TEXT_WORDS
    from partnerships.models import NutsRegion, Partnership

    rng = random.Random(f"pactportal-bench-{limit}")
    benchmarked = {urllib.parse.urlsplit(url).path: url for url in urls.values()}
    lists = filtered_lists()

    def taken(path: str, params: dict) -> bool:
        """Whether a benchmarked URL is this address (so it is no miss)."""
        url = benchmarked.get(path)
        return url is not None and urllib.parse.parse_qs(urllib.parse.urlsplit(url).query) == {
            name: [value] for name, value in params.items()
        }

    def combinations(url_name: str, list_name: str, count: int) -> list[str]:
        """``count`` addresses of the path of ``url_name`` with filter combinations."""
        path = urlsplit_path(urls[url_name])
        filterset, queryset, choices = lists[list_name]
        found = filter_combinations(
            rng, filterset, queryset, choices, count, skip=lambda params: taken(path, params)
        )
        return [f"{path}?{urllib.parse.urlencode(params)}" for params, _rows in found]

    ecosystems = lists["partnerships"][2]["ecosystem"]
    shared = combinations("partnership-list", "partnerships", 2 * limit)
    api_list = reverse("api:partnership-list")
    slugs = sorted(Partnership.objects.published().values_list("slug", flat=True))
    rng.shuffle(slugs)
    detail_slug = urlsplit_path(urls["partnership-detail"]).rstrip("/").rsplit("/", 1)[-1]
    slugs = [slug for slug in slugs if slug != detail_slug][: 2 * limit]
    page_slugs, api_slugs = slugs[0::2][:limit], slugs[1::2][:limit]

    ecosystem_pages = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            ecosystem_pages += [reverse("ecosystems:detail", args=[slug]) for slug in ecosystems]
    rng.shuffle(ecosystem_pages)

    region_map = urlsplit_path(urls["region-map"])
    region_codes = list(NutsRegion.objects.values_list("code", "country_id"))
    countries = sorted({country for _code, country in region_codes if country})
    regions = [code for code, _country in region_codes if code not in urls["region-detail"]]
    rng.shuffle(countries)
    rng.shuffle(regions)
    # Consortia nobody checked before: another ecosystem, other countries; the matcher for the
    # other regions, with a type and an ecosystem.
    checker = urlsplit_path(urls["checker-suggest"])
    programme = sorted({country for _code, country in region_codes if country})
    checks = [
        f"{checker}?{checker_query(ecosystem, rng.sample(programme, 6))}"
        for ecosystem in ecosystems
        for _turn in range(max(1, limit // len(ecosystems) + 1))
    ][:limit]
    match = urlsplit_path(urls["match"])
    types = ["hei", "vet_provider", "sme", "chamber", "ngo"]
    matches = [
        f"{match}?"
        + urllib.parse.urlencode(
            {"region": code, "type": rng.choice(types), "ecosystem": rng.choice(ecosystems)}
        )
        for code in regions[:limit]
    ]

    words = [word for word in words_of_the_data() if word != "skills"]
    rng.shuffle(words)
    search = urlsplit_path(urls["search"])
    # Words of the documents' text: its made-up terms (a few pages each) and, one in four, its
    # common words (most pages), as readers look for a programme's name or a theme.
    terms = text_terms()[1:]
    rng.shuffle(terms)
    common = [word for word in TEXT_WORDS if word != "skills"]
    rng.shuffle(common)
    # Each word once: a word asked again would be no miss.
    text_words = [
        common.pop() if n % 4 == 3 and common else term for n, term in enumerate(terms[:limit])
    ]

    return {
        "home": [],
        "ecosystem": [page for page in ecosystem_pages if page != urls["ecosystem"]][:limit],
        "partnership-list": shared[0::2][:limit],
        "partnership-detail": [reverse("partnerships:detail", args=[s]) for s in page_slugs],
        "document-list": combinations("document-list", "documents", limit),
        "search": [f"{search}?{urllib.parse.urlencode({'q': word})}" for word in words[:limit]],
        "search-text": [f"{search}?{urllib.parse.urlencode({'q': word})}" for word in text_words],
        "api-partnership-list": [
            api_list + address[address.index("?") :] for address in shared[1::2]
        ][:limit],
        "api-partnership-detail": [reverse("api:partnership-detail", args=[s]) for s in api_slugs],
        "api-organisation-list": combinations("api-organisation-list", "organisations", limit),
        # Each country's map, and the other regions' pages.
        "region-map": [f"{region_map}?country={code}" for code in countries[:limit]],
        "region-detail": [reverse("regions:detail", args=[code]) for code in regions[:limit]],
        "checker-suggest": checks,
        "match": matches,
    }


def soak_addresses(fixed: list[str], limit: int) -> list[str]:
    """Addresses for the soak run's misses: each a different address that answers 200 and is
    none of ``fixed`` (those the soak asks for again and again). Up to ``limit`` of each kind,
    each kind in a random but repeatable order, the kinds taken in turn while they last.

    The kinds: the partnership, document and organisation lists, unfiltered and filtered by
    combinations of one to three real values, each page they have, in each language; the
    API's partnership and organisation lists with other combinations (a page and the API share
    what they remember of a list), each page; searches for words of the data, in each
    language; every published partnership (half of them), organisation and document page and
    every ecosystem page, in each language; the API's records of the other half of the
    partnerships (a page and the API share what they remember of a record).
    """
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from core.api_formats import Pagination
    from core.views import PAGE_SIZE
    from ecosystems.models import Ecosystem
    from partnerships.models import Document, Organisation, Partnership

    rng = random.Random(f"pactportal-soak-{limit}")
    languages = [code for code, _name in settings.LANGUAGES]

    def localised(view: str, *args) -> list[str]:
        """The address of ``view`` in each language."""
        paths = []
        for code in languages:
            with translation.override(code):
                paths.append(reverse(view, args=args))
        return paths

    def record_pages(view: str, slugs) -> list[str]:
        """The page of each record in each language, reversed once per language."""
        paths = localised(view, SLUG)
        return [path.replace(SLUG, slug) for slug in slugs for path in paths]

    def pages(paths: list[str], found: list[tuple[dict, int]], page_size: int) -> list[str]:
        """Every page of each combination of ``found`` under each of ``paths``."""
        addresses = []
        for params, rows in found:
            for number in range(1, math.ceil(rows / page_size) + 1):
                query = urllib.parse.urlencode(
                    {**params, **({"page": number} if number > 1 else {})}
                )
                addresses += [f"{path}?{query}" if query else path for path in paths]
        return addresses

    pools = {}
    lists = filtered_lists()
    for name, view, api in [
        ("partnerships", "partnerships:list", "api:partnership-list"),
        ("documents", "partnerships:document_list", None),
        ("organisations", "partnerships:organisation_list", "api:organisation-list"),
    ]:
        filterset, queryset, choices = lists[name]
        found = [
            ({}, queryset.count()),
            *filter_combinations(rng, filterset, queryset, choices, SOAK_COMBINATIONS),
        ]
        pools[f"{name} list"] = pages(localised(view), found[0::2] if api else found, PAGE_SIZE)
        if api:
            pools[f"{name} API list"] = pages([reverse(api)], found[1::2], Pagination.page_size)
    pools["search"] = [
        f"{path}?{urllib.parse.urlencode({'q': word})}"
        for word in words_of_the_data()
        for path in localised("partnerships:search")
    ]
    partnerships = sorted(Partnership.objects.published().values_list("slug", flat=True))
    rng.shuffle(partnerships)
    pools["partnership pages"] = record_pages("partnerships:detail", partnerships[0::2])
    pools["partnership API records"] = [
        reverse("api:partnership-detail", args=[slug]) for slug in partnerships[1::2]
    ]
    for name, view, queryset in [
        ("organisation pages", "partnerships:organisation_detail", Organisation.objects),
        ("document pages", "partnerships:document_detail", Document.objects),
    ]:
        pools[name] = record_pages(view, queryset.published().values_list("slug", flat=True))
    pools["ecosystem pages"] = record_pages(
        "ecosystems:detail", Ecosystem.objects.values_list("slug", flat=True)
    )

    # The page cache keys on the parameters sorted: another order is the same address.
    asked = {canonical(address) for address in fixed}
    for name, pool in pools.items():
        pool = sorted(address for address in set(pool) if canonical(address) not in asked)
        rng.shuffle(pool)
        pools[name] = pool[:limit]
    mixed = [
        address
        for turn in itertools.zip_longest(*pools.values())
        for address in turn
        if address is not None
    ]
    assert len(mixed) == len(set(mixed)), "an address twice"
    return mixed


def checker_query(ecosystem: str, countries=("DE", "FR", "IT", "ES", "PL", "NL")) -> str:
    """The consortium checker's query (a check by address) for six partners, none a VET
    provider, in ``countries``: several rules fail, each with its suggestions, the partners
    active in ``ecosystem`` first."""
    from alliances.models import FundingCall

    call = FundingCall.objects.with_rules().first()
    types = ("sme", "large_enterprise", "chamber", "hei", "vet_network", "sme")
    query = {
        "call": call.pk,
        "ecosystem": ecosystem,
        "members-TOTAL_FORMS": len(types),
        "members-INITIAL_FORMS": 0,
        "check": "1",
    }
    for index, (kind, country) in enumerate(zip(types, itertools.cycle(countries))):
        query |= {
            f"members-{index}-name": f"Partner {index}",
            f"members-{index}-country": country,
            f"members-{index}-type": kind,
            f"members-{index}-role": "coordinator" if index == 0 else "full_partner",
        }
        if kind == "hei":
            query[f"members-{index}-eche"] = "on"
    return urllib.parse.urlencode(query)


def urlsplit_path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def canonical(address: str) -> tuple[str, tuple]:
    """An address as the page cache tells addresses apart: its path and its parameters sorted."""
    parts = urllib.parse.urlsplit(address)
    return parts.path, tuple(sorted(urllib.parse.parse_qsl(parts.query)))
