from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import MAX_QUERY_LENGTH

from .models import Partnership


class SearchForm(forms.Form):
    """The site-wide search box; Django's field checks refuse NUL bytes and overlong text."""

    q = forms.CharField(label=_("Words to look for"), max_length=MAX_QUERY_LENGTH, required=False)


class PartnershipForm(forms.ModelForm):
    """Checks the rule on linked ecosystems that the model cannot see (a many-to-many)."""

    class Meta:
        model = Partnership
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean(self):
        cleaned = super().clean()
        error = Partnership.linked_ecosystems_error(
            cleaned.get("kind"), cleaned.get("linked_ecosystems")
        )
        if error:
            self.add_error("linked_ecosystems", error)
        return cleaned
