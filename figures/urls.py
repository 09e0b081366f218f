from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("", views.figures, name="index"),
    path("<slug:slug>.csv", views.chart_csv, name="csv"),
]
