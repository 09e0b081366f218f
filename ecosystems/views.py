from django.shortcuts import render

from partnerships.models import Country, Document, Organisation, Partnership

from .models import Ecosystem

LATEST_DOCUMENTS = 6


def home(request):
    """The 14 ecosystems, the Pact's headline figures and the latest documents."""
    partnerships = Partnership.objects.published()
    figures = {
        **partnerships.figures(),
        "organisations": Organisation.objects.published().members_of(partnerships).count(),
        "countries": Country.objects.covered_by(partnerships).count(),
    }
    return render(
        request,
        "ecosystems/home.html",
        {
            "ecosystems": Ecosystem.objects.with_published_counts(),
            "figures": figures,
            "latest_documents": Document.objects.published().for_list()[:LATEST_DOCUMENTS],
        },
    )
