"""INPS's `api-comuni.yaml` for each ente, under `/waas/<codice_ente>/v1/` (Perugia's flows:
`/waas/G478/v1/flussi`). No trailing slash: the spec's paths are these."""

from django.urls import path, re_path

from . import views

app_name = "waas"

urlpatterns = [
    path("<str:codice_ente>/v1/flussi", views.flussi, name="flussi"),
    path("<str:codice_ente>/v1/esiti", views.esiti, name="esiti"),
    path("<str:codice_ente>/v1/status", views.status, name="status"),
    # any other path: a problem+json 404, not the site's page
    re_path(r"^.*$", views.not_found, name="not_found"),
]
