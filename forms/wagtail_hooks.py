from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from . import admin_views
from .models import FormDefinition

# The policy first: the viewset picks it up when it is registered.
register_permission_policy(FormDefinition, admin_views.OwnerPermissionPolicy(FormDefinition))
register_snippet(admin_views.FormDefinitionViewSet)


@hooks.register("register_admin_urls")
def register_tools():
    return [path("questionnaires-tools/", include((admin_views.urlpatterns, "forms_admin")))]
