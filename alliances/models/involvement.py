"""Which organisations are already active in each ecosystem: kept by the database itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecosystems.models import Ecosystem
from partnerships.models import Organisation


class Involvement(models.Model):
    """How many memberships an organisation holds in an ecosystem's published large-scale
    partnerships and published alliances; no row for none.

    The checker's suggestions put first the organisations already active in the alliance's
    ecosystem. Asked of the memberships, each failed rule's ranking hashed the ecosystem's
    14,000 partnership and alliance members again (about 5 ms a rule at the benchmark's
    scale); here each candidate is one index probe. Triggers on memberships, partnerships,
    alliance members and alliances (the migration that creates this table) keep it exact on
    every path that writes them, as ``partnerships.Presence``'s do. The organisation's own
    status does not matter: the suggestions read published organisations only.
    """

    # Derived, so left out of the content archive (core/content_archive.py).
    kept_by_database = True

    # No index of its own: the unique constraint below leads with the organisation.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="involvements", db_index=False
    )
    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.CASCADE, related_name="+")
    memberships = models.PositiveIntegerField(
        _("memberships in its published large-scale partnerships and alliances")
    )

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        constraints = [
            # Leads with the organisation: a candidate's probe reads one entry.
            models.UniqueConstraint(
                fields=["organisation", "ecosystem"], name="alliances_involvement_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} in {self.ecosystem_id}: {self.memberships}"
