from django.urls import path

from . import views
from .wizard import FillWizard

app_name = "forms"
urlpatterns = [
    path("", views.index, name="index"),
    path("", views.index, name="drafts"),
    path("<slug:slug>/start/", views.start, name="start"),
    path("drafts/<uuid:uuid>/", FillWizard.as_view(), name="fill"),
    path("drafts/<uuid:uuid>/discard/", views.discard, name="discard"),
    path("submissions/<uuid:uuid>/", views.submission, name="submission"),
    path("submissions/<uuid:uuid>/files/<slug:key>/", views.document, name="document"),
]
