from django.urls import path

from . import views

app_name = "workflows"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("notifications/read/", views.read_notifications, name="read_notifications"),
    path("start/", views.start, name="start"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/claim/", views.claim, name="claim"),
    path("tasks/<int:pk>/release/", views.release, name="release"),
    path("tasks/<int:pk>/fill/", views.fill, name="fill"),
    path("processes/<int:pk>/", views.process, name="process"),
]
