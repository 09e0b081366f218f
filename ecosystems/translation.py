"""The ecosystems' texts that curators write once per language (django-modeltranslation).

Each field gets a column per language (``name_en``, ``name_fr``, ``name_de``); the field itself
reads the current language's and falls back to English. The change history is registered here,
after the translation columns exist, so that it records every language.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Ecosystem


@register(Ecosystem)
class EcosystemTranslationOptions(TranslationOptions):
    fields = ("name", "includes", "description", "labour_market_size")
    # English is the fallback every page relies on: it may not be left empty.
    required_languages = ("en",)
    # A missing translation is NULL, as in rows never translated, not "": the unique names
    # of other ecosystems allow it, and saving a form changes nothing that was not typed.
    empty_values = None


simple_history.register(Ecosystem)
