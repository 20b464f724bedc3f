from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("lette/", views.mark_read, name="read"),
    path("riepilogo/", views.digest, name="digest"),
]
