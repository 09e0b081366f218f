"""The sitemap: every published page, from the same published-only querysets as the pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from alliances.models import Alliance
from ecosystems.models import Ecosystem
from partnerships.models import Document, Organisation, Partnership


class PagesSitemap(Sitemap):
    priority = 0.8

    def items(self):
        return [
            "ecosystems:home",
            "ecosystems:list",
            "partnerships:list",
            "partnerships:organisation_list",
            "partnerships:document_list",
            "alliances:list",
            "alliances:check",
            "figures:index",
        ]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class EcosystemSitemap(PublishedSitemap):
    model = Ecosystem


class PartnershipSitemap(PublishedSitemap):
    model = Partnership


class OrganisationSitemap(PublishedSitemap):
    model = Organisation


class DocumentSitemap(PublishedSitemap):
    model = Document


class AllianceSitemap(PublishedSitemap):
    model = Alliance


SITEMAPS = {
    "pages": PagesSitemap,
    "ecosystems": EcosystemSitemap,
    "partnerships": PartnershipSitemap,
    "organisations": OrganisationSitemap,
    "documents": DocumentSitemap,
    "alliances": AllianceSitemap,
}
