"""The catalogue and the bulk ZIP, outside the language prefixes (machines read them)."""

from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("catalog", views.catalog_negotiated, name="catalog"),
    path("catalog.ttl", views.catalog_turtle, name="catalog_turtle"),
    path("catalog.jsonld", views.catalog_jsonld, name="catalog_jsonld"),
    path("data/pact-for-skills-open-data.zip", views.archive_download, name="archive"),
]
