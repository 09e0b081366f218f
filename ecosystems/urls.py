from django.urls import path

from . import views

app_name = "ecosystems"

urlpatterns = [
    path("", views.home, name="home"),
]
