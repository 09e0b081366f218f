import django_filters

from core.filters import TextSearchFilter

from .models import Ecosystem


class EcosystemFilter(django_filters.FilterSet):
    q = TextSearchFilter()

    class Meta:
        model = Ecosystem
        fields = ["q"]
