from django.urls import path

from . import views

app_name = "alliances"

urlpatterns = [
    path("", views.AllianceListView.as_view(), name="list"),
    path("check/", views.consortium_check, name="check"),
    path("<slug:slug>/", views.AllianceDetailView.as_view(), name="detail"),
]
