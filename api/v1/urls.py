from django.urls import path

from . import forms

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
]
