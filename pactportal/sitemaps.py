"""The sitemap: every published page in every language, from the published-only querysets."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from alliances.models import Alliance
from ecosystems.models import Ecosystem
from partnerships.models import Document, Organisation, Partnership

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
            "alliances:list",
            "alliances:check",
            "figures:index",
        ]

    def location(self, item):
        return reverse(item)


class PublishedSitemap(TranslatedSitemap):
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
    "alliances": AllianceSitemap,
    "about": InformationSitemap,
}
