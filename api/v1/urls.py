from django.urls import path

from . import forms, workflows

app_name = "api-v1"
urlpatterns = [
    path("forms/", forms.FormList.as_view(), name="forms"),
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
]
