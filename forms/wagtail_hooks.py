from django.db import models
from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from definitions import strict_json

from . import admin_views, designer
from .models import FormDefinition

# Every JSON field of the admin's forms reads strictly: a key given twice or too deep a nesting
# is a message on the field, not a value silently dropped or a server error.
register_form_field_override(models.JSONField, override={"form_class": strict_json.JSONFormField})

# The policy first: the viewset picks it up when it is registered.
register_permission_policy(FormDefinition, admin_views.OwnerPermissionPolicy(FormDefinition))
register_snippet(admin_views.FormDefinitionViewSet)


@hooks.register("register_admin_urls")
def register_tools():
    return [
        path("questionnaires-tools/", include((admin_views.urlpatterns, "forms_admin"))),
        path("questionnaires-tools/", include((designer.urlpatterns, "forms_designer"))),
    ]


class FillMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("forms.add_submission")


@hooks.register("register_admin_menu_item")
def register_fill_menu_item():
    return FillMenuItem(
        _("Fill in a questionnaire"), reverse("forms:index"), icon_name="doc-full", order=310
    )


@hooks.register("insert_editor_js")
def condition_builder():
    # Every wagtail editor gets the builder; the textareas that ask for it are mounted
    # (forms/blocks.py LogicBlock.built, or another app's data-logic-builder).
    return render_to_string("forms/includes/condition_builder.html")
