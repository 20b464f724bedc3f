from django.urls import path

from . import views

app_name = "thirdsector"
urlpatterns = [
    path("", views.body, name="body"),
    path("reports/new/", views.new_report, name="new_report"),
    path("reports/<int:report>/attachments/", views.attach, name="attach"),
    path("reports/<int:report>/attachments/<int:pk>/", views.attachment, name="attachment"),
]
