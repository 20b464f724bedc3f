"""Wagtail admin for procedures: editing with the publish check, owner-based permissions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from forms.host import host

from .models import WorkflowDefinition
from .publishing import problems


class _OwnedForm:
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if "owner" in form.fields:
            form.fields["owner"].queryset = host().owners_for(self.request.user)
        if "based_on" in form.fields:
            form.fields["based_on"].queryset = WorkflowDefinition.objects.filter(based_on=None)
        return form

    def is_valid(self, form):
        valid = super().is_valid(form)
        if valid and self.action == "publish":
            found = problems(form.instance)
            for problem in found:
                form.add_error("body", str(problem))
            if found:
                self.produced_error_code = "validation_error"
                self.produced_error_message = _("The procedure cannot be published: %s") % (
                    "; ".join(str(problem) for problem in found)
                )
                return False
        return valid


class DefinitionCreateView(_OwnedForm, CreateView):
    pass


class DefinitionEditView(_OwnedForm, EditView):
    def get_object(self, queryset=None):
        definition = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", definition
        ):
            raise PermissionDenied
        return definition


class WorkflowDefinitionViewSet(SnippetViewSet):
    model = WorkflowDefinition
    icon = "tasks"
    menu_label = gettext_lazy("Procedures")
    menu_order = 305
    add_to_admin_menu = True
    url_prefix = "procedures"
    list_display = ["title", "slug", "owner", "based_on", "live"]
    list_filter = ["owner"]
    search_fields = ["title", "slug"]
    add_view_class = DefinitionCreateView
    edit_view_class = DefinitionEditView
    panels = [
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldPanel("slug"),
        FieldPanel("owner"),
        FieldPanel("based_on"),
        FieldPanel("description"),
        FieldPanel("body"),
    ]

    def get_queryset(self, request):
        return WorkflowDefinition.objects.select_related("owner", "based_on")
