from django.urls import path

from . import region_views

app_name = "regions"

urlpatterns = [
    path("regions/", region_views.coverage_map, name="map"),
    path("regions/regions.csv", region_views.coverage_csv, name="csv"),
    path("regions/gaps/", region_views.gap_map, name="gaps"),
    path("regions/gaps/<slug:slug>.csv", region_views.gaps_csv, name="gaps_csv"),
    path("regions/<str:code>/", region_views.region_detail, name="detail"),
]
