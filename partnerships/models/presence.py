"""Where each partnership has published members, how many it has, and which organisations are
members of a published partnership: kept by the database itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .places import Country


class Presence(models.Model):
    """How many published member organisations of a partnership are established in a country.

    The country filter and the maps ask "which partnerships have a member in Italy?" of every
    partnership at once. Asked of the memberships, that reads every Italian organisation's
    memberships (30,000 rows at the benchmark's scale) on each list a visitor filters; asked
    here, it reads one row per partnership. Triggers on memberships and organisations (the
    migration that creates this table) keep it exact on every path that writes them: forms,
    imports, bulk updates, raw SQL. Nothing in Python writes it.
    """

    # Derived, so left out of the content archive (core/content_archive.py).
    kept_by_database = True

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="presences"
    )
    # No index of its own: the unique constraint below leads with the country.
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="presences", db_index=False
    )
    members = models.PositiveIntegerField(_("published members established there"))

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        constraints = [
            # Leads with the country: the filter reads a country's partnerships from it alone.
            models.UniqueConstraint(
                fields=["country", "partnership"], name="partnerships_presence_unique"
            ),
        ]

    def __str__(self):
        return f"{self.partnership_id} in {self.country_id}: {self.members}"


class Engagement(models.Model):
    """How many published partnerships a published organisation is a member of; no row for
    none, nor for an organisation that is not published.

    The home page counts the published organisations that are members of a published
    partnership: the rows of this table. Asked of the memberships, that reads and hashes
    every one (272,000 at the benchmark's scale, about 85 ms) on the first view after each
    change; joined with the organisations, it still hashes 54,000 rows (45 to 70 ms); here it
    reads one small row per organisation counted (8 ms). Triggers on memberships,
    partnerships and organisations (migrations 0023 and 0024) keep it exact on every path
    that writes them, as ``Presence``'s do.
    """

    # Derived, so left out of the content archive (core/content_archive.py).
    kept_by_database = True

    organisation = models.OneToOneField(
        "partnerships.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="engagement",
    )
    partnerships = models.PositiveIntegerField(_("published partnerships it is a member of"))

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")

    def __str__(self):
        return f"{self.organisation_id}: {self.partnerships}"


class Headcount(models.Model):
    """How many published member organisations a partnership has; no row for none.

    Every list row, search result and API record of a partnership shows this number. Counted
    from the memberships, each partnership's count looks up every member's organisation for
    its status: at the benchmark's scale about 90 lookups a partnership, 5 ms for a page of 20
    nobody has seen since the last change. Here it is one row a partnership. Triggers on
    memberships and organisations (migration 0025) keep it exact on every path that writes
    them, as ``Presence``'s do. The partnership's own status does not matter: a curator's
    preview of a draft shows its published members too.
    """

    # Derived, so left out of the content archive (core/content_archive.py).
    kept_by_database = True

    partnership = models.OneToOneField(
        "partnerships.Partnership",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="headcount",
    )
    members = models.PositiveIntegerField(_("published member organisations"))

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcounts")

    def __str__(self):
        return f"{self.partnership_id}: {self.members}"
