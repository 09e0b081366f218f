"""The partnership and document texts that curators write once per language.

django-modeltranslation adds a column per language (``summary_fr``…); the field itself reads
the current language's and falls back to English. The change history is registered here, after
the translation columns exist, so that it records every language.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Commitment, Document, Partnership, ProgressReport


@register(Partnership)
class PartnershipTranslationOptions(TranslationOptions):
    # Every text a partnership's page shows as prose: the launch note and the pledge are read
    # beside the summary, so a French page must not switch to English half-way down.
    fields = ("summary", "description", "launch_note", "commitment_pledge", "reported_membership")
    # A missing translation is NULL, as in rows never translated: saving a form that leaves it
    # empty records no change.
    empty_values = None


@register(Document)
class DocumentTranslationOptions(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("en",)
    empty_values = None


@register(Commitment)
class CommitmentTranslationOptions(TranslationOptions):
    fields = ("statement",)
    required_languages = ("en",)
    empty_values = None


simple_history.register(Partnership, m2m_fields=["linked_ecosystems", "countries", "regions"])
simple_history.register(Document)
simple_history.register(Commitment)
simple_history.register(ProgressReport)
