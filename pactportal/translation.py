"""The information pages' texts, one column per language (django-modeltranslation).

The change history is registered here, after the translation columns exist, so that it records
every language.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import InformationPage


@register(InformationPage)
class InformationPageTranslationOptions(TranslationOptions):
    fields = ("title", "body")
    # English is the fallback every page relies on: it may not be left empty.
    required_languages = ("en",)
    empty_values = None


simple_history.register(InformationPage)
