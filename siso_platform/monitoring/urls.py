from django.urls import path

from . import analysis_views, views

app_name = "monitoring"
urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/", views.alert, name="alert"),
    path("screenings/", views.screenings, name="screenings"),
    path("screenings/<int:pk>/", views.screening, name="screening"),
    path("screenings/<int:pk>/progress/", views.screening_progress, name="screening_progress"),
    path("households/<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path("analysis/", analysis_views.landing, name="analysis"),
    path("analysis/region/", analysis_views.region, name="analysis_region"),
    path("analysis/zones/<int:number>/", analysis_views.zone, name="analysis_zone"),
    path(
        "analysis/municipalities/<int:pk>/",
        analysis_views.municipality,
        name="analysis_municipality",
    ),
]
