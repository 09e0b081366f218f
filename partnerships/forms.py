from django import forms
from django.utils.translation import gettext_lazy as _

from .filters import MAX_QUERY_LENGTH
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
        if cleaned.get("kind") == Partnership.Kind.LARGE_SCALE and cleaned.get("linked_ecosystems"):
            self.add_error(
                "linked_ecosystems",
                _("A large-scale partnership belongs to its one ecosystem; clear these links."),
            )
        return cleaned
