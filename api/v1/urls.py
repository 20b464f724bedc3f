from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from . import (
    accounts,
    agenda,
    casework,
    forms,
    imports,
    monitoring,
    people,
    reporting,
    thirdsector,
    workflows,
)

router = SimpleRouter()
router.register("auth/tokens", accounts.TokenViewSet, basename="token")
router.register("persons", people.PersonViewSet, basename="person")
router.register("households", people.HouseholdViewSet, basename="household")
router.register("accesses", casework.AccessViewSet, basename="access")
router.register("cases", casework.CaseViewSet, basename="case")
router.register("needs", casework.NeedViewSet, basename="need")
router.register("interventions", casework.InterventionViewSet, basename="intervention")
router.register("diary-notes", casework.DiaryNoteViewSet, basename="diary-note")
router.register("documents", casework.DocumentViewSet, basename="document")
router.register("appointments", agenda.AppointmentViewSet, basename="appointment")
router.register("alerts", monitoring.AlertViewSet, basename="alert")
router.register("programmes", monitoring.ProgrammeViewSet, basename="programme")
router.register(
    "eligibility-checks", monitoring.EligibilityCheckViewSet, basename="eligibility-check"
)
router.register("import-runs", imports.ImportRunViewSet, basename="import-run")
router.register("bodies", thirdsector.BodyViewSet, basename="body")
router.register("accreditations", thirdsector.AccreditationViewSet, basename="accreditation")
router.register("activity-reports", thirdsector.ActivityReportViewSet, basename="activity-report")

app_name = "api-v1"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves its script as a file: the page obeys the Content-Security-Policy
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-v1:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-v1:schema"), name="redoc"),
    path("auth/login/", accounts.Login.as_view(), name="login"),
    path("auth/logout/", accounts.Logout.as_view(), name="logout"),
    path("me/", accounts.Me.as_view(), name="me"),
    path("forms/", forms.FormList.as_view(), name="forms"),
    path("forms/prefill/", forms.PrefillList.as_view(), name="form-prefill"),
    path(
        "forms/<slug:slug>/versions/<int:number>/",
        forms.FormVersionDetail.as_view(),
        name="form-version",
    ),
    path(
        "forms/<slug:slug>/versions/<int:number>/submissions/",
        forms.SubmissionCreate.as_view(),
        name="form-submissions",
    ),
    path("tasks/", workflows.TaskList.as_view(), name="tasks"),
    path("tasks/<int:pk>/", workflows.TaskDetail.as_view(), name="task"),
    path("tasks/<int:pk>/claim/", workflows.TaskClaim.as_view(), name="task-claim"),
    path("tasks/<int:pk>/release/", workflows.TaskRelease.as_view(), name="task-release"),
    path("tasks/<int:pk>/complete/", workflows.TaskComplete.as_view(), name="task-complete"),
    path("processes/<int:pk>/", workflows.ProcessDetail.as_view(), name="process"),
    path("reporting/aggregates/", reporting.AggregatesView.as_view(), name="reporting-aggregates"),
    path(
        "reporting/interventions-export/",
        reporting.InterventionsExportView.as_view(),
        name="reporting-interventions-export",
    ),
    path("", include(router.urls)),
]
