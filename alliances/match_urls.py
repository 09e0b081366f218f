from django.urls import path

from . import views

app_name = "match"

urlpatterns = [
    path("match/", views.matcher, name="page"),
]
