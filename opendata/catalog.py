"""The portal's DCAT-AP 3 catalogue, as an RDF graph (rdflib).

The portal is a ``dcat:Catalog``; each table of ``opendata.datasets`` is a ``dcat:Dataset``
with its distributions (the API's CSV and JSON, the bulk ZIP) and the API is a
``dcat:DataService`` serving them all. Every node the catalogue points at is typed with the
class DCAT-AP gives that property's range (a licence is a ``dct:LicenseDocument``, a place a
``dct:Location``…), so the SHACL shapes of DCAT-AP 3 can check it without fetching anything.
Controlled values are the EU Publications Office's authority tables, as data.europa.eu expects.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from .bulk import Archive
from .datasets import DATASETS, Dataset

AUTHORITY = Namespace("http://publications.europa.eu/resource/authority/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
LANGUAGES = {"en": "ENG", "fr": "FRA", "de": "DEU"}
# The Pact for Skills was launched on 10 November 2020: the data start there.
COVERAGE_START = datetime.date(2020, 11, 10)
DCAT_AP = URIRef("http://data.europa.eu/r5r/")


class Catalogue:
    """Builds the graph for one site address (``base``, scheme and host)."""

    def __init__(self, base: str, archive: Archive | None, modified: datetime.datetime | None):
        self.base = base.rstrip("/")
        self.archive = archive
        self.modified = modified
        self.graph = Graph()
        for prefix, namespace in (
            ("dcat", DCAT),
            ("dct", DCTERMS),
            ("foaf", FOAF),
            ("vcard", VCARD),
            ("skos", SKOS),
        ):
            self.graph.bind(prefix, namespace)

    def url(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def add(self, subject, predicate, obj):
        self.graph.add((subject, predicate, obj))

    def typed(self, uri: URIRef, rdf_type: URIRef) -> URIRef:
        self.add(uri, RDF.type, rdf_type)
        return uri

    def link(self, url: URIRef, *types: URIRef) -> URIRef:
        """An address a property points at: DCAT-AP types every one as an ``rdfs:Resource``."""
        for rdf_type in (RDFS.Resource, *types):
            self.typed(url, rdf_type)
        return url

    def text(self, subject, predicate, value: str):
        self.add(subject, predicate, Literal(value, lang="en"))

    def build(self) -> Graph:
        catalog = self.url(reverse("opendata:catalog"))
        self.typed(catalog, DCAT.Catalog)
        self.text(catalog, DCTERMS.title, "Pact for Skills partnerships portal")
        self.text(
            catalog,
            DCTERMS.description,
            "The open data of the EU Pact for Skills partnerships portal: industrial "
            "ecosystems, skills partnerships and their commitments, member organisations, "
            "documents and Erasmus+ Blueprint alliances.",
        )
        self.add(catalog, DCTERMS.publisher, self.publisher())
        self.add(catalog, FOAF.homepage, self.link(self.url("/"), FOAF.Document))
        self.add(catalog, DCTERMS.license, self.licence())
        self.add(catalog, DCTERMS.spatial, self.europe())
        self.add(catalog, DCTERMS.conformsTo, self.typed(DCAT_AP, DCTERMS.Standard))
        for code in LANGUAGES.values():
            self.add(catalog, DCTERMS.language, self.language(code))
        if self.modified:
            self.add(catalog, DCTERMS.modified, Literal(self.modified, datatype=XSD.dateTime))
        service = self.api_service()
        self.add(catalog, DCAT.service, service)
        for dataset in DATASETS:
            node = self.dataset(dataset, service)
            self.add(catalog, DCAT.dataset, node)
            self.add(service, DCAT.servesDataset, node)
        return self.graph

    def publisher(self) -> URIRef:
        agent = self.typed(URIRef(settings.OPEN_DATA_PUBLISHER), FOAF.Agent)
        self.add(agent, FOAF.name, Literal(settings.OPEN_DATA_PUBLISHER_NAME, lang="en"))
        return agent

    def licence(self) -> URIRef:
        return self.typed(URIRef(settings.OPEN_DATA_LICENCE), DCTERMS.LicenseDocument)

    def europe(self) -> URIRef:
        return self.typed(AUTHORITY["continent/EUROPE"], DCTERMS.Location)

    def language(self, code: str) -> URIRef:
        return self.typed(AUTHORITY[f"language/{code}"], DCTERMS.LinguisticSystem)

    def contact(self) -> BNode:
        point = BNode()
        self.typed(point, VCARD.Kind)
        self.typed(point, VCARD.Organization)
        self.add(point, VCARD.fn, Literal("Pact for Skills partnerships portal", lang="en"))
        self.add(point, VCARD.hasURL, self.link(self.url("/")))
        return point

    def api_service(self) -> URIRef:
        service = self.url(reverse("opendata:catalog") + "#api")
        self.typed(service, DCAT.DataService)
        self.text(service, DCTERMS.title, "Pact for Skills partnerships API")
        self.text(
            service,
            DCTERMS.description,
            "A read-only JSON and CSV API of every published record, with filters, and a "
            "change feed of every creation, change and removal (/api/v1/changes/).",
        )
        self.add(service, DCAT.endpointURL, self.link(self.url("/api/v1/")))
        endpoint_description = self.link(self.url(reverse("schema")), FOAF.Document)
        self.add(service, DCAT.endpointDescription, endpoint_description)
        self.add(service, DCTERMS.license, self.licence())
        self.add(service, DCTERMS.publisher, self.publisher())
        return service

    def dataset(self, dataset: Dataset, service: URIRef) -> URIRef:
        node = self.url(reverse("opendata:catalog") + f"#{dataset.name}")
        self.typed(node, DCAT.Dataset)
        self.text(node, DCTERMS.title, dataset.title)
        self.text(node, DCTERMS.description, dataset.description)
        self.add(node, DCTERMS.identifier, Literal(str(node)))
        for keyword in dataset.keywords:
            self.text(node, DCAT.keyword, keyword)
        self.add(node, DCTERMS.publisher, self.publisher())
        self.add(node, DCAT.contactPoint, self.contact())
        self.add(node, DCTERMS.spatial, self.europe())
        self.add(node, DCTERMS.temporal, self.coverage())
        self.add(node, DCAT.theme, self.theme())
        self.add(node, DCTERMS.accrualPeriodicity, self.frequency("DAILY"))
        for code in LANGUAGES.values():
            self.add(node, DCTERMS.language, self.language(code))
        if dataset.page:
            page = self.url(reverse(dataset.page))
            self.add(node, DCAT.landingPage, self.link(page, FOAF.Document))
        if dataset.api_list:
            api = reverse(dataset.api_list)
            for extension, media in (("csv", "text/csv"), ("json", "application/json")):
                self.add(
                    node,
                    DCAT.distribution,
                    self.distribution(
                        f"{dataset.name}-{extension}",
                        title=f"{dataset.title}, from the API ({extension.upper()})",
                        access=self.link(self.url(f"{api}?format={extension}")),
                        file_type=extension.upper(),
                        media=media,
                        service=service,
                    ),
                )
        if self.archive:
            self.add(node, DCAT.distribution, self.bulk_distribution())
        return node

    def theme(self) -> URIRef:
        theme = self.typed(AUTHORITY["data-theme/EDUC"], SKOS.Concept)
        self.text(theme, SKOS.prefLabel, "Education, culture and sport")
        return theme

    def coverage(self) -> BNode:
        period = BNode()
        self.typed(period, DCTERMS.PeriodOfTime)
        self.add(period, DCAT.startDate, Literal(COVERAGE_START, datatype=XSD.date))
        return period

    def frequency(self, code: str) -> URIRef:
        return self.typed(AUTHORITY[f"frequency/{code}"], DCTERMS.Frequency)

    def distribution(self, name, *, title, access, file_type, media, service=None) -> URIRef:
        node = self.url(reverse("opendata:catalog") + f"#{name}")
        self.typed(node, DCAT.Distribution)
        self.text(node, DCTERMS.title, title)
        self.add(node, DCAT.accessURL, access)
        self.add(node, DCTERMS.license, self.licence())
        self.add(
            node,
            DCTERMS.format,
            self.typed(AUTHORITY[f"file-type/{file_type}"], DCTERMS.MediaTypeOrExtent),
        )
        self.add(node, DCAT.mediaType, self.typed(IANA[media], DCTERMS.MediaType))
        if service is not None:
            self.add(node, DCAT.accessService, service)
        return node

    def bulk_distribution(self) -> URIRef:
        download = self.url(reverse("opendata:archive"))
        node = self.distribution(
            "bulk-zip",
            title="Every published table as CSV and JSON, with a data dictionary (ZIP)",
            access=self.link(self.url(reverse("data:page"))),
            file_type="ZIP",
            media="application/zip",
        )
        self.add(node, DCAT.downloadURL, self.link(download))
        self.add(node, DCAT.byteSize, Literal(self.archive.size, datatype=XSD.nonNegativeInteger))
        self.add(node, DCTERMS.modified, Literal(self.archive.created, datatype=XSD.dateTime))
        return node


def catalogue(base: str, archive: Archive | None, modified) -> Graph:
    return Catalogue(base, archive, modified).build()
