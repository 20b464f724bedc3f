from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
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


class FillMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("forms.add_submission")


@hooks.register("register_admin_menu_item")
def register_fill_menu_item():
    return FillMenuItem(
        _("Fill in a questionnaire"), reverse("forms:index"), icon_name="doc-full", order=310
    )
