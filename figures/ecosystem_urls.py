"""The home page and the ecosystems' pages, under the ecosystems' URL names."""

from django.urls import path

from . import views

app_name = "ecosystems"

urlpatterns = [
    path("", views.home, name="home"),
    path("ecosystems/", views.ecosystem_list, name="list"),
    path("ecosystems/<slug:slug>/", views.ecosystem_detail, name="detail"),
]
