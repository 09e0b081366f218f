"""Root URLs of the portal. Each app mounts its own namespaced URLs here."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Pact for Skills portal: curation"
admin.site.site_title = "Pact for Skills curation"
admin.site.index_title = "Content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("ecosystems.urls")),
]

# Uploaded documents are served by the web server in production; runserver serves them locally.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
