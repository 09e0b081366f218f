"""The sitemap: every published page in every language, from the published-only querysets."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from alliances.models import Alliance
from core.models import last_curated_change
from ecosystems.models import Ecosystem
from partnerships.feeds import issued_at
from partnerships.models import (
    Document,
    DocumentFile,
    NutsRegion,
    Organisation,
    Partnership,
    TextStatus,
)

from .models import InformationPage


class TranslatedSitemap(Sitemap):
    """Each page once per language, with its other languages as hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


class PagesSitemap(TranslatedSitemap):
    priority = 0.8

    def items(self):
        return [
            "ecosystems:home",
            "ecosystems:list",
            "partnerships:list",
            "partnerships:organisation_list",
            "partnerships:document_list",
            "partnerships:commitments",
            "alliances:list",
            "alliances:check",
            "match:page",
            "figures:index",
            "regions:map",
        ]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(TranslatedSitemap):
    """A record's last modification is its last change by a curator, from its history; a
    record nobody has changed since it was loaded has none (loading is not a change of it)."""

    model = None

    def items(self):
        return (
            self.model.objects.published()
            .annotate(curated_at=last_curated_change(self.model))
            .order_by("pk")
        )

    def lastmod(self, obj):
        return obj.curated_at


class EcosystemSitemap(PublishedSitemap):
    model = Ecosystem


class PartnershipSitemap(PublishedSitemap):
    model = Partnership


class OrganisationSitemap(PublishedSitemap):
    model = Organisation


class DocumentSitemap(PublishedSitemap):
    model = Document

    def lastmod(self, obj):
        """The document's own date, or a curator's later change to its record."""
        issued = issued_at(obj)
        if obj.curated_at and (issued is None or obj.curated_at > issued):
            return obj.curated_at
        return issued


class DocumentTextSitemap(TranslatedSitemap):
    """The text of each uploaded version of a published document, once read, as HTML."""

    priority = 0.4

    def items(self):
        return (
            DocumentFile.objects.filter(
                document__in=Document.objects.published(), text_status=TextStatus.READ
            )
            .select_related("document")
            .order_by("pk")
        )

    def location(self, item):
        return item.get_text_url()


class AllianceSitemap(PublishedSitemap):
    model = Alliance


class RegionSitemap(TranslatedSitemap):
    """Every NUTS level-2 region's page: each lists what is published about it, and none is
    curated, so none has a modification date of its own."""

    priority = 0.4

    def items(self):
        return NutsRegion.objects.order_by("code")


class InformationSitemap(TranslatedSitemap):
    priority = 0.3

    def items(self):
        return InformationPage.objects.order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "ecosystems": EcosystemSitemap,
    "partnerships": PartnershipSitemap,
    "organisations": OrganisationSitemap,
    "documents": DocumentSitemap,
    "document-texts": DocumentTextSitemap,
    "alliances": AllianceSitemap,
    "regions": RegionSitemap,
    "about": InformationSitemap,
}
