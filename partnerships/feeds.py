import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Document

FEED_LENGTH = 30


def issued_at(document) -> datetime.datetime | None:
    """The document's own date as the feed's time: the first day of its month or year when
    only those are known, at midnight UTC."""
    if document.issued_on is None:
        return None
    return datetime.datetime.combine(document.issued_on, datetime.time(), datetime.UTC)


class LatestDocumentsFeed(Feed):
    """The newest documents by their own date, not by when they reached the portal.

    A document whose date is unknown cannot be placed in time, so it is left out: a feed
    entry needs a date, and the day it was loaded would say it appeared then.
    """

    query_parameters = ()  # what the page cache keys it on (core/cache/pages.py)

    feed_type = Atom1Feed
    title = _("Pact for Skills: the newest documents")
    subtitle = _("Agreements, commitments and publications of the Pact for Skills partnerships.")
    link = reverse_lazy("partnerships:document_list")

    def items(self):
        return (
            Document.objects.published()
            .filter(issued_on__isnull=False)
            .for_detail()
            .order_by("-issued_on", "title", "pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description or item.get_kind_display()

    def item_pubdate(self, item):
        return issued_at(item)

    def item_updateddate(self, item):
        """The last change a curator made, if later than the document's own date."""
        issued = issued_at(item)
        return max(issued, item.curated_at) if item.curated_at else issued
