"""Root URLs of the portal. Each app mounts its own namespaced URLs here."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from core import views as core_views

from . import i18n, views
from .admin import data_quality
from .sitemaps import SITEMAPS

admin.site.site_header = _("Pact for Skills portal: curation")
admin.site.site_title = _("Pact for Skills curation")
admin.site.index_title = _("Content")

handler400 = "pactportal.views.bad_request"
handler404 = "pactportal.views.page_not_found"
handler500 = "pactportal.views.server_error"

urlpatterns = [
    path("admin/quality/", admin.site.admin_view(data_quality), name="data_quality"),
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("api/v1/", include("pactportal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's setup script served as a file of its own, so the CSP needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # ReDoc writes its styles into <style> elements as it renders and runs its search in a
    # worker it builds from a blob: this page alone allows both.
    path(
        "api/redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="schema")
        ),
        name="api-redoc",
    ),
    path("language/<str:language>/", i18n.switch_language, name="switch_language"),
    # A draft's page for the holder of a preview link: in the reader's language, without a
    # language prefix, so that it stays out of the page cache (core/cache/pages.py).
    path("preview/<slug:token>/", core_views.preview, name="preview"),
    # The DCAT-AP catalogue and the bulk ZIP, for harvesters and scripts.
    path("", include("opendata.urls")),
]

# The public pages, under their language: /en/, /fr/, /de/. A path without a prefix redirects
# to the visitor's language (pactportal.i18n).
urlpatterns += i18n_patterns(
    path("about/<slug:slug>/", views.information_page, name="information_page"),
    path("alliances/", include("alliances.urls")),
    path("", include("alliances.match_urls")),
    path("figures/", include("figures.urls")),
    path("", include("opendata.page_urls")),
    path("", include("figures.ecosystem_urls")),
    path("", include("figures.region_urls")),
    path("", include("partnerships.urls")),
    prefix_default_language=True,
)

# Uploaded documents are served by the web server in production; runserver serves them locally.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
