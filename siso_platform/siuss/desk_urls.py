"""The zone's SIUSS desk in the operators' workspace (`desk_views.py`)."""

from django.urls import path

from . import desk_views

app_name = "siuss_desk"
urlpatterns = [
    path("", desk_views.flows, name="flows"),
    path("<int:pk>/retry/", desk_views.retry, name="retry"),
    path("bulk/", desk_views.bulk, name="bulk"),
    path("bulk/<int:pk>/", desk_views.bulk_file, name="bulk_file"),
    path("bulk/<int:pk>/progress/", desk_views.bulk_file_progress, name="bulk_file_progress"),
    path("bulk/<int:pk>/download/", desk_views.bulk_file_download, name="bulk_file_download"),
]
