"""The pages every EU public site links from its footer, written by curators in each language."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class InformationPage(TimeStampedModel):
    """One of the four fixed pages of the footer: legal notice, privacy statement,
    accessibility statement, contact.

    The rows are created by a data migration; curators edit their texts, not their number.
    The body is plain text: blank lines separate paragraphs, a line starting with "## " opening
    a paragraph is a heading, a paragraph whose lines all start with "- " a list; addresses
    become links.
    """

    class Kind(models.TextChoices):
        LEGAL_NOTICE = "legal-notice", _("Legal notice")
        PRIVACY = "privacy", _("Privacy statement")
        ACCESSIBILITY = "accessibility", _("Accessibility statement")
        CONTACT = "contact", _("Contact")

    slug = models.SlugField(_("page"), max_length=40, unique=True, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text. Leave a blank line between paragraphs; start a paragraph with “## ” "
            "to make it a heading, and each line with “- ” to make a list. Web and e-mail "
            "addresses become links."
        ),
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("information_page", kwargs={"slug": self.slug})

    def blocks(self) -> list[tuple[str, str | list[str]]]:
        """The body as ``("heading", text)``, ``("list", items)`` and ``("paragraph", text)``."""
        blocks = []
        for block in self.body.replace("\r\n", "\n").split("\n\n"):
            lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
            if not lines:
                continue
            if lines[0].startswith("## "):
                blocks.append(("heading", lines.pop(0).removeprefix("## ")))
                if not lines:
                    continue
            if all(line.startswith("- ") for line in lines):
                blocks.append(("list", [line.removeprefix("- ") for line in lines]))
            else:
                blocks.append(("paragraph", "\n".join(lines)))
        return blocks
