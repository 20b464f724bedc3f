from django.urls import path

from . import two_factor_views as views

app_name = "two_factor"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("enrol/", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
    path("remove/", views.remove, name="remove"),
]
