"""schema.org descriptions of the public pages, as JSON-LD, for search engines' rich results and
dataset search.

Each builder reads only what the page's own queryset already loaded (``for_detail()``: the
published members, documents and partnerships), so a page shows nothing more in its markup than
on its face and costs no query more. Numbers are JSON numbers and dates ISO 8601, whatever the
reader's language. Every type and property used is in ``SCHEMA_ORG_TERMS`` (checked against
the vocabulary by tests/opendata/test_jsonld.py).
"""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.models import PublicationStatus

CONTEXT = "https://schema.org"
# The characters that could end the script element or open a comment inside it, escaped as
# JSON allows (Django's json_script does the same).
ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def script(data: dict) -> SafeString:
    """A ``<script type="application/ld+json">`` data block. Browsers never run it, so the
    Content-Security-Policy's ``script-src`` does not apply to it: no nonce or hash needed."""
    text = json.dumps({"@context": CONTEXT, **data}, ensure_ascii=False, sort_keys=True)
    return format_html(
        '<script type="application/ld+json">{}</script>', SafeString(text.translate(ESCAPES))
    )


class Builder:
    """Absolute addresses for one request: the JSON-LD of one page."""

    def __init__(self, request):
        self.base = f"{request.scheme}://{request.get_host()}"

    def url(self, path: str) -> str:
        return self.base + path

    def publisher(self) -> dict:
        return {
            "@type": "Organization",
            "name": settings.OPEN_DATA_PUBLISHER_NAME,
            "url": settings.OPEN_DATA_PUBLISHER,
        }

    def ref(self, kind: str, record, name: str) -> dict:
        """Another page's record, named, at its address as its id and its url. The address
        is reversed once: a partnership page refers to each of its (up to hundreds of)
        members, and reversing a URL costs about as much as the rest of the reference."""
        page = self.url(record.get_absolute_url())
        return {"@type": kind, "@id": page, "name": name, "url": page}

    def organisation_ref(self, organisation) -> dict:
        return self.ref("Organization", organisation, organisation.name)

    def partnership_ref(self, partnership) -> dict:
        return self.ref("Organization", partnership, partnership.name)

    def country(self, country) -> dict:
        return {"@type": "Country", "name": str(country), "identifier": country.code}

    def partnership(self, partnership) -> dict:
        page = self.url(partnership.get_absolute_url())
        data = {
            "@type": "Organization",
            "@id": page,
            "name": partnership.name,
            "url": page,
            "description": partnership.summary or partnership.name,
            "member": [
                self.organisation_ref(m.organisation) for m in partnership.published_memberships
            ],
            "areaServed": [self.country(c) for c in partnership.countries.all()],
            "knowsAbout": [e.name for e in partnership.ecosystems],
            "subjectOf": [self.document_ref(d) for d in partnership.published_documents],
        }
        if partnership.acronym:
            data["alternateName"] = partnership.acronym
        if partnership.launched:
            data["foundingDate"] = partnership.launched.isoformat()
        if partnership.website:
            data["sameAs"] = partnership.website
        return data

    def organisation(self, organisation) -> dict:
        page = self.url(organisation.get_absolute_url())
        data = {
            "@type": "Organization",
            "@id": page,
            "name": organisation.name,
            "url": page,
            "memberOf": [
                self.partnership_ref(m.partnership) for m in organisation.published_memberships
            ],
        }
        if organisation.acronym:
            data["alternateName"] = organisation.acronym
        if organisation.country_id:
            data["address"] = {"@type": "PostalAddress", "addressCountry": organisation.country_id}
        if organisation.website:
            data["sameAs"] = organisation.website
        if organisation.pic:
            data["identifier"] = {
                "@type": "PropertyValue",
                "propertyID": "PIC",
                "value": organisation.pic,
            }
        return data

    def document_ref(self, document) -> dict:
        return self.ref("DigitalDocument", document, document.title)

    def document(self, document) -> dict:
        page = self.url(document.get_absolute_url())
        data = {
            "@type": "DigitalDocument",
            "@id": page,
            "name": document.title,
            "url": page,
            "description": document.description or document.title,
            "inLanguage": sorted({version.language for version in document.files.all()}),
            "encoding": [self.version(version) for version in document.files.all()],
        }
        if document.issued:
            data["datePublished"] = document.issued.isoformat()
        if document.partnership and document.partnership.status == PublicationStatus.PUBLISHED:
            data["about"] = self.partnership_ref(document.partnership)
        if document.ecosystem_id:
            data["keywords"] = document.ecosystem.name
        return data

    def version(self, version) -> dict:
        data = {
            "@type": "MediaObject",
            "contentUrl": self.url(version.get_absolute_url())
            if version.file
            else version.external_url,
            "encodingFormat": "application/pdf"
            if version.file_format == "pdf"
            else version.file_format,
            "inLanguage": version.language,
        }
        if version.size_bytes is not None:
            data["contentSize"] = f"{version.size_bytes} B"
        return data

    def alliance(self, alliance) -> dict:
        page = self.url(alliance.get_absolute_url())
        data = {
            "@type": "Organization",
            "@id": page,
            "name": alliance.name,
            "alternateName": alliance.acronym,
            "url": page,
            "description": alliance.description or alliance.name,
            "member": [self.organisation_ref(m.organisation) for m in alliance.members.all()],
            "funder": {"@type": "Organization", "name": "European Commission (Erasmus+)"},
            "knowsAbout": [p.name for p in alliance.supported_partnerships.all()],
        }
        if alliance.starts_on:
            data["foundingDate"] = alliance.starts.isoformat()
        if alliance.website:
            data["sameAs"] = alliance.website
        return data

    def ecosystem(self, ecosystem) -> dict:
        page = self.url(reverse("ecosystems:detail", args=[ecosystem.slug]))
        return {
            "@type": "CollectionPage",
            "@id": page,
            "name": ecosystem.name,
            "url": page,
            "description": ecosystem.description or ecosystem.name,
            "about": {
                "@type": "DefinedTerm",
                "name": ecosystem.name,
                "inDefinedTermSet": self.url(reverse("ecosystems:list")),
            },
        }

    def figures(self, charts) -> dict:
        """The figures page's charts (``Chart.shown()`` items) as one dataset."""
        page = self.url(reverse("figures:index"))
        return {
            "@type": "Dataset",
            "@id": page,
            "name": "The Pact for Skills in figures",
            "description": "Counts of the Pact for Skills partnerships per ecosystem and per "
            "year, their members by type and by country, the people they pledged to upskill "
            "or reskill, and the Erasmus+ alliances per call, from the records published on "
            "this portal.",
            "url": page,
            "license": settings.OPEN_DATA_LICENCE,
            "isAccessibleForFree": True,
            "creator": self.publisher(),
            "spatialCoverage": {"@type": "Place", "name": "Europe"},
            "temporalCoverage": "2020-11-10/..",
            "includedInDataCatalog": {
                "@type": "DataCatalog",
                "url": self.url(reverse("opendata:catalog_jsonld")),
            },
            "distribution": [
                {
                    "@type": "DataDownload",
                    "name": str(item["chart"].title),
                    "encodingFormat": "text/csv",
                    "contentUrl": self.url(reverse("figures:csv", args=[item["chart"].slug])),
                }
                for item in charts
            ],
        }


BUILDERS = {
    "partnerships.partnership": Builder.partnership,
    "partnerships.organisation": Builder.organisation,
    "partnerships.document": Builder.document,
    "alliances.alliance": Builder.alliance,
    "ecosystems.ecosystem": Builder.ecosystem,
}


def json_ld(request, record) -> SafeString:
    build = BUILDERS[record._meta.label_lower]
    return script(build(Builder(request), record))


def figures_json_ld(request, charts) -> SafeString:
    return script(Builder(request).figures(charts))
