"""The in-process part, run inside Django by ``python -m tests.perf.bench probe``: the URLs to
measure, their queries and bodies, the query plans; and the content writer's process
(``python -m tests.perf.bench writer``)."""

import os
import sys
from pathlib import Path

from .addresses import miss_addresses
from .targets import URL_NAMES


def probe(static_dir: Path, misses: int) -> dict:
    """URLs to measure, their queries per uncached request, their bodies, query plans, and up
    to ``misses`` addresses for each URL that nobody has asked for (``miss_addresses()``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactportal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from ecosystems.models import Ecosystem
    from partnerships.filters import DocumentFilter, OrganisationFilter, PartnershipFilter
    from partnerships.models import Document, Organisation, Partnership

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
        "api-partnership-list": reverse("api:partnership-list"),
        "api-partnership-detail": reverse("api:partnership-detail", args=[detail_slug]),
        "api-organisation-list": reverse("api:organisation-list") + "?country=DE&type=sme",
    }
    assert tuple(urls) == URL_NAMES

    client = Client()
    result = {"urls": urls, "queries": {}, "bytes": {}, "statics": {}}
    static_dir.mkdir(parents=True, exist_ok=True)
    for name, url in urls.items():
        warm = client.get(url)  # fills the remembered figures, as a running portal has them
        assert warm.status_code == 200, (url, warm.status_code)
        separator = "&" if "?" in url else "?"
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{url}{separator}_bench=probe")
        assert response.status_code == 200, (url, response.status_code)
        result["queries"][name] = len(queries)
        body = warm.content
        result["bytes"][name] = len(body)
        suffix = "json" if url.startswith("/api/") else "html"
        (static_dir / f"{name}.{suffix}").write_bytes(body)
        result["statics"][name] = f"bench/{name}.{suffix}"

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
    result["misses"] = miss_addresses(urls, misses) if misses else {}
    return result


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
