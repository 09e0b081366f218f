from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import Confidence, SearchableQuerySet, TimeStampedModel, count_of


class EcosystemQuerySet(SearchableQuerySet):
    """Ecosystems have no drafts: all 14 are always public."""

    search_fields = (("name", "A"), ("includes", "B"), ("description", "C"))
    translated_search_fields = frozenset({"name", "includes", "description"})
    stored_vector = True

    def published(self):
        return self.all()

    def with_published_counts(self):
        """Each ecosystem with its published large-scale and regional partnerships (those not
        confirmed apart) and documents."""
        # Through the relations the partnerships app declares on ecosystems: this app lies
        # below it and never imports it.
        # Partnerships the sources do not confirm are counted apart, never with the others.
        large_scale = self.published_related("large_scale_partnerships")
        regional = self.published_related("regional_partnerships")
        doubtful = Q(confidence=Confidence.UNCONFIRMED)
        return self.annotate(
            large_scale_count=count_of(large_scale.exclude(doubtful), "ecosystem"),
            regional_count=count_of(regional.exclude(doubtful), "linked_ecosystems"),
            unconfirmed_count=count_of(large_scale.filter(doubtful), "ecosystem")
            + count_of(regional.filter(doubtful), "linked_ecosystems"),
            document_count=count_of(self.published_related("documents"), "ecosystem"),
        )

    def published_related(self, relation: str):
        """The published rows on the far side of one of the ecosystems' reverse relations."""
        return self.model._meta.get_field(relation).related_model.objects.published()


class Ecosystem(TimeStampedModel):
    """One of the 14 industrial ecosystems the Pact for Skills is organised around.

    The rows are created by a data migration; curators edit their texts, not their number.
    """

    # Unique in each language: see the constraints (the translated columns carry it, not this).
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), unique=True)
    includes = models.TextField(
        _("what it includes"),
        blank=True,
        help_text=_("The sub-sectors the Pact lists for this ecosystem, one per line."),
    )
    description = models.TextField(_("description"), blank=True)
    labour_market_size = models.CharField(
        _("size of the workforce"),
        max_length=300,
        blank=True,
        help_text=_("A dated or sourced figure, e.g. “About 600,000 employees in the EU”."),
    )
    icon = models.CharField(
        _("icon"),
        max_length=120,
        help_text=_("Path of the SVG icon under static/, e.g. ecosystems/icons/digital.svg."),
    )
    pact_page_url = models.URLField(_("Pact for Skills page"), blank=True)
    source_url = models.URLField(_("source"), blank=True)

    objects = EcosystemQuerySet.as_manager()
    # The change history is registered in translation.py, with the translated columns.

    class Meta:
        ordering = ["display_order"]
        verbose_name = _("ecosystem")
        verbose_name_plural = _("ecosystems")
        constraints = [
            *(
                models.UniqueConstraint(
                    fields=[f"name_{code}"],
                    name=f"%(app_label)s_%(class)s_unique_name_{code}",
                    violation_error_message=_("Another ecosystem already has this name."),
                )
                for code, _name in settings.LANGUAGES
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(slug=""),
                name="%(app_label)s_%(class)s_name_slug_not_empty",
                violation_error_message=_("An ecosystem needs a name and a slug."),
            ),
            models.CheckConstraint(
                condition=Q(icon__endswith=".svg"),
                name="%(app_label)s_%(class)s_icon_is_svg",
                violation_error_message=_("The icon must be an SVG file."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ecosystems:detail", args=[self.slug])

    def clean(self):
        if self.icon and not finders.find(self.icon):
            raise ValidationError({"icon": _("There is no such file under static/.")})

    @property
    def included_sectors(self) -> list[str]:
        return [line.strip() for line in self.includes.splitlines() if line.strip()]

    @property
    def icon_url(self) -> str:
        return static(self.icon)
