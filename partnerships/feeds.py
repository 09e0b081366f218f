from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Document

FEED_LENGTH = 30


class LatestDocumentsFeed(Feed):
    """Documents in the order they were published on the portal, newest first."""

    query_parameters = ()  # what the page cache keys it on (core/cache/pages.py)

    feed_type = Atom1Feed
    title = _("Pact for Skills: newly published documents")
    subtitle = _("Agreements, commitments and publications of the Pact for Skills partnerships.")
    link = reverse_lazy("partnerships:document_list")

    def items(self):
        return Document.objects.published().for_list().order_by("-published_at", "pk")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description or item.get_kind_display()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
