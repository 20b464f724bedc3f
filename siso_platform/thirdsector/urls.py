from django.urls import path

from . import views

app_name = "thirdsector"
urlpatterns = [path("", views.body, name="body")]
