"""Root URLs of the portal. Each app mounts its own namespaced URLs here."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import views
from .sitemaps import SITEMAPS

admin.site.site_header = "Pact for Skills portal: curation"
admin.site.site_title = "Pact for Skills curation"
admin.site.index_title = "Content"

handler404 = "pactportal.views.page_not_found"
handler500 = "pactportal.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("api/v1/", include("pactportal.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("alliances/", include("alliances.urls")),
    path("figures/", include("figures.urls")),
    path("", include("ecosystems.urls")),
    path("", include("partnerships.urls")),
]

# Uploaded documents are served by the web server in production; runserver serves them locally.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
