from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from definitions.admin import OwnerPermissionPolicy

from . import admin_views
from .models import WorkflowDefinition

# The policy first: the viewset picks it up when it is registered.
register_permission_policy(WorkflowDefinition, OwnerPermissionPolicy(WorkflowDefinition))
register_snippet(admin_views.WorkflowDefinitionViewSet)


@hooks.register("register_admin_urls")
def register_tools():
    return [path("procedures-tools/", include((admin_views.urlpatterns, "workflows_admin")))]
