"""The in-process part, run inside Django by ``python -m tests.perf.bench probe``: the URLs to
measure, their queries and bodies, the query plans; and the content writer's process
(``python -m tests.perf.bench writer``)."""

import os
import sys
from pathlib import Path

from .addresses import checker_query, miss_addresses, text_terms
from .targets import URL_NAMES

# Queries are counted on this many true misses of each URL, as well as on its cold request.
QUERY_MISSES = 5


def probe(static_dir: Path, misses: int) -> dict:
    """URLs to measure, their SQL queries on a miss, their bodies, query plans, and up to
    ``misses`` addresses for each URL that nobody has asked for (``miss_addresses()``).

    The queries of each URL are counted on its first request after a content change (every
    cache of the new generation empty, as the first reader after a curator's edit meets it),
    then on ``QUERY_MISSES`` true misses of the same view in that generation (other filter
    values, other records); the home page reads no parameter and has none. The probe runs with
    the process's own memory as its cache (``REDIS_URL`` empty) and the content generation
    checked against the database once an hour: a process checks it at most once a second, at
    a time no request chooses, so it is left out of every count, as in the test suite.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")
    import django

    django.setup()
    from django.test import Client

    from core.cache.generations import content_changed
    from partnerships.filters import DocumentFilter, OrganisationFilter, PartnershipFilter
    from partnerships.models import Document, Organisation, Partnership

    urls = benchmarked_urls()

    addresses = miss_addresses(urls, max(misses, QUERY_MISSES))
    client = Client()
    result = {"urls": urls, "queries": {}, "bytes": {}, "statics": {}}
    static_dir.mkdir(parents=True, exist_ok=True)
    # The process serves every URL once first, as a worker that has been running has: its
    # templates compiled, its connection open, Django's own per-process lookups made.
    for url in urls.values():
        assert client.get(url).status_code == 200, url
    for name, url in urls.items():
        # The URL's first request after a change: nothing of the new generation is remembered.
        content_changed()
        cold, body = queries_of_a_miss(client, url)
        # Then true misses of the same view, as the next readers after that first one meet
        # them: what the URL's first request remembered for every address stays remembered.
        misses_counted = [queries_of_a_miss(client, a)[0] for a in addresses[name][:QUERY_MISSES]]
        result["queries"][name] = {"cold": cold, "misses": misses_counted}
        result["bytes"][name] = len(body)
        suffix = "json" if url.startswith("/api/") else "html"
        (static_dir / f"{name}.{suffix}").write_bytes(body)
        result["statics"][name] = f"bench/{name}.{suffix}"

    published = Partnership.objects.published()
    plans = {
        "partnerships: kind=regional, country=IT": PartnershipFilter(
            {"kind": "regional", "country": "IT"}, queryset=published
        ).qs,
        "partnerships: ecosystem=digital": PartnershipFilter(
            {"ecosystem": "digital"}, queryset=published
        ).qs,
        # Every partnership matches "skills": reading the table is the better plan. A word
        # of one real partnership's name shows the full-text index at work.
        "partnerships: q=skills": PartnershipFilter({"q": "skills"}, queryset=published).qs,
        "partnerships: q=hydrogen": PartnershipFilter({"q": "hydrogen"}, queryset=published).qs,
        "organisations: country=DE, type=sme": OrganisationFilter(
            {"country": "DE", "type": "sme"}, queryset=Organisation.objects.published()
        ).qs,
        "organisations: q=institute": OrganisationFilter(
            {"q": "institute"}, queryset=Organisation.objects.published()
        ).qs,
        "documents: language=fr": DocumentFilter(
            {"language": "fr"}, queryset=Document.objects.published()
        ).qs,
        # A term of a few dozen pages, and a word of most of them: the pages' GIN index, then
        # the documents' own vectors.
        "documents: q=<a term of the text>": DocumentFilter(
            {"q": text_terms()[0]}, queryset=Document.objects.published()
        ).qs,
        "documents: q=apprenticeships": DocumentFilter(
            {"q": "apprenticeships"}, queryset=Document.objects.published()
        ).qs,
    }
    result["plans"] = {}
    for label, queryset in plans.items():
        plan = queryset.explain()
        result["plans"][label] = {
            "uses_index": "Index" in plan or "Bitmap" in plan,
            "seq_scans": sorted(
                {
                    line.split(" on ")[1].split()[0]
                    for line in plan.splitlines()
                    if "Seq Scan" in line
                }
            ),
        }
    result["misses"] = {name: found[:misses] for name, found in addresses.items()} if misses else {}
    return result


def benchmarked_urls() -> dict[str, str]:
    """The URL measured for each name of ``URL_NAMES``, chosen in the data (inside Django)."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from ecosystems.models import Ecosystem
    from partnerships.models import Partnership

    published = Partnership.objects.published()
    ecosystem = max(
        Ecosystem.objects.order_by("-slug"),
        key=lambda e: published.in_ecosystem(e).count(),
    )
    # The published partnership whose published member count is nearest to 100.
    candidates = published.annotate(
        n=Count("memberships", filter=Q(memberships__organisation__status="published"))
    ).values_list("slug", "n")
    detail_slug = min(candidates, key=lambda row: (abs(row[1] - 100), row[0]))[0]

    urls = {
        "home": reverse("ecosystems:home"),
        "ecosystem": reverse("ecosystems:detail", args=[ecosystem.slug]),
        "partnership-list": reverse("partnerships:list") + "?kind=regional&country=IT",
        "partnership-detail": reverse("partnerships:detail", args=[detail_slug]),
        "document-list": reverse("partnerships:document_list"),
        "search": reverse("partnerships:search") + "?q=skills",
        # A term only the documents' text holds (pactportal.scale_data.RARE_WORDS).
        "search-text": reverse("partnerships:search") + f"?q={text_terms()[0]}",
        "api-partnership-list": reverse("api:partnership-list"),
        "api-partnership-detail": reverse("api:partnership-detail", args=[detail_slug]),
        "api-organisation-list": reverse("api:organisation-list") + "?country=DE&type=sme",
        "region-map": reverse("regions:map"),
        "region-detail": reverse("regions:detail", args=["ITC4"]),
        # A check by address of a consortium that fails several rules, with its suggestions.
        "checker-suggest": reverse("alliances:check") + "?" + checker_query("digital"),
        "match": reverse("match:page") + "?region=DE71&type=hei&ecosystem=digital",
    }
    assert tuple(urls) == URL_NAMES
    return urls


def queries_of_a_miss(client, address: str) -> tuple[int, bytes]:
    """The SQL queries of one request that the page cache does not answer, and its body."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    assert response.get("X-Cache") != "hit", f"{address} was no miss"
    return len(queries), response.content


def write_content() -> None:
    """(internal) One real content write for every line read; answers "changed" once it is
    committed, when the page cache has moved to a new generation."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")
    import django

    django.setup()
    from django.db import transaction

    from partnerships.models import Organisation

    record = Organisation.objects.published().order_by("-pk").first()
    for _line in sys.stdin:
        with transaction.atomic():
            record.save()
        print("changed", flush=True)
