"""The data page, under each language (/en/data/)."""

from django.urls import path

from . import views

app_name = "data"

urlpatterns = [
    path("data/", views.data_page, name="page"),
]
