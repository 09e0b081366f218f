"""The catalogue (DCAT-AP), the data page and the bulk ZIP's download."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_safe

from . import bulk, catalog

FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
}


@require_safe
def catalog_negotiated(request):
    """``/catalog``: a 303 to the format the client accepts (Turtle unless it prefers JSON-LD).

    The answer depends on ``Accept``, which the page cache does not key pages on, and so it
    is a redirect, which the page cache never keeps; each format has its own address.
    """
    accepted = request.accepts("application/ld+json") and not request.accepts("text/turtle")
    name = "opendata:catalog_jsonld" if accepted else "opendata:catalog_turtle"
    response = redirect(name, permanent=False)
    response.status_code = 303
    response["Vary"] = "Accept"
    return response


catalog_negotiated.query_parameters = ()


def catalog_as(extension: str):
    syntax, content_type = FORMATS[extension]

    @require_safe
    def view(request):
        archive = bulk.latest_archive()
        # Titles and addresses in English, whatever language the visitor's cookie names.
        with translation.override("en"):
            graph = catalog.catalogue(
                f"{request.scheme}://{request.get_host()}",
                archive,
                archive.created if archive else None,
            )
        return HttpResponse(graph.serialize(format=syntax), content_type=content_type)

    view.query_parameters = ()
    return view


catalog_turtle = catalog_as("ttl")
catalog_jsonld = catalog_as("jsonld")


@require_safe
def data_page(request):
    return render(request, "opendata/data.html", {"archive": bulk.latest_archive()})


data_page.query_parameters = ()


@require_safe
def archive_download(request):
    """The newest bulk ZIP, under a stable address."""
    archive = bulk.latest_archive()
    if archive is None:
        raise Http404("No open data archive has been written yet.")
    return FileResponse(
        default_storage.open(archive.name, "rb"),
        as_attachment=True,
        filename=archive.filename,
        content_type="application/zip",
    )


archive_download.query_parameters = ()
