from django.urls import include, path, re_path

from .errors import not_found

urlpatterns = [
    path("v1/", include("api.v1.urls")),
    re_path(r"^.*$", not_found),
]
