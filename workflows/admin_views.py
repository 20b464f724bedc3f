"""Wagtail admin for procedures: editing with the publish check, owner-based permissions,
versions with their flow chart, and zone variants of regional templates.

The generic pieces (the owner permission policy, variants, versions as JSON) are the
definition core's (`definitions.admin`, `definitions.variant_views`).
"""

from __future__ import annotations

from django.forms.utils import ErrorList
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton, MenuItem
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from definitions import admin as definitions_admin
from definitions.admin import OwnedDefinitionForm, OwnerCheckedEdit, title_and_slug, viewable
from definitions.variant_views import (
    Kind,
    VariantHeaderButtons,
    VariantListButtons,
    variant_view,
)
from definitions.variant_views import differences as variant_differences
from definitions.variant_views import merge_view as variant_merge

from . import bpmn_views, designer_views
from .flows import flow_chart
from .models import WorkflowDefinition, WorkflowVersion
from .streamfield import stream_from_graph


def stream_error(graph: dict, found) -> StreamBlockValidationError:
    """The publish check's problems as the steps StreamField's error: each beside its step."""
    positions: dict[str, list[int]] = {}
    for index, step in enumerate(graph.get("steps") or ()):
        positions.setdefault(step.get("key") or "", []).append(index)
    by_step: dict[int, list[str]] = {}
    general = []
    for problem in found:
        indexes = positions.get(problem.path) if problem.path else None
        if not indexes:
            general.append(str(problem))
        for index in indexes or ():
            by_step.setdefault(index, []).append(problem.message)
    return StreamBlockValidationError(
        block_errors={
            index: StructBlockValidationError(non_block_errors=ErrorList(found_here))
            for index, found_here in by_step.items()
        },
        non_block_errors=ErrorList(general),
    )


class _ProcedureForm(OwnedDefinitionForm):
    refusal = gettext_lazy("The procedure cannot be published: %s")

    def add_publish_errors(self, form, found):
        form.add_error("body", stream_error(form.instance.graph, found))


class DefinitionCreateView(_ProcedureForm, CreateView):
    pass


class DefinitionEditView(_ProcedureForm, OwnerCheckedEdit, VariantHeaderButtons, EditView):
    variant_tools = "workflows_admin"

    @property
    def header_buttons(self):
        # The diagram is the way in for those who do not write step keys: in plain sight.
        return [
            *super().header_buttons,
            HeaderButton(
                _("Open the diagram"),
                url=reverse("workflows_admin:designer", args=[self.object.pk]),
                icon_name="tasks",
            ),
        ]

    @property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            HeaderButton(
                _("Versions"),
                url=reverse("workflows_admin:versions", args=[self.object.pk]),
                icon_name="history",
            ),
            HeaderButton(
                _("Export BPMN"),
                url=reverse("workflows_admin:bpmn_export", args=[self.object.pk]),
                icon_name="download",
            ),
            HeaderButton(
                _("Import BPMN"),
                url=reverse("workflows_admin:bpmn_import_into", args=[self.object.pk]),
                icon_name="upload",
            ),
        ]


class DiagramColumn(Column):
    """A link to the procedure's diagram in its row, for the procedures the user may edit."""

    cell_template_name = "workflows/admin/diagram_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        if request is not None and instance.pk in self._editable(request):
            context["designer_url"] = reverse("workflows_admin:designer", args=[instance.pk])
        return context

    @staticmethod
    def _editable(request) -> set[int]:
        # once per page, not once per row
        if not hasattr(request, "_siso_editable_procedures"):
            objects = designer_views.designer.policy().instances_user_has_permission_for(
                request.user, "change"
            )
            request._siso_editable_procedures = set(objects.values_list("pk", flat=True))
        return request._siso_editable_procedures


class DefinitionIndexView(VariantListButtons, IndexView):
    variant_tools = "workflows_admin"

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(
                    _("New procedure"),
                    url=reverse("workflows_admin:designer_new"),
                    icon_name="plus",
                )
            )
            buttons.append(
                HeaderButton(
                    _("Import BPMN"), url=reverse("workflows_admin:bpmn_import"), icon_name="upload"
                )
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                _("Versions"),
                reverse("workflows_admin:versions", args=[instance.pk]),
                icon_name="history",
                priority=40,
            )
        )
        return buttons


class WorkflowDefinitionViewSet(SnippetViewSet):
    model = WorkflowDefinition
    icon = "tasks"
    menu_label = gettext_lazy("Procedures")
    menu_order = 305
    add_to_admin_menu = True
    url_prefix = "procedures"
    list_display = [
        "title",
        "slug",
        "owner",
        "based_on",
        "live",
        DiagramColumn("diagram", label=gettext_lazy("Diagram"), accessor=lambda instance: ""),
    ]
    list_filter = ["owner"]
    search_fields = ["title", "slug"]
    add_view_class = DefinitionCreateView
    edit_view_class = DefinitionEditView
    index_view_class = DefinitionIndexView
    panels = [
        *title_and_slug(),
        FieldPanel("title_en"),
        FieldPanel("owner"),
        FieldPanel("based_on"),
        FieldPanel("description"),
        FieldPanel("body"),
    ]

    def get_queryset(self, request):
        return WorkflowDefinition.objects.select_related("owner", "based_on")


# Extra pages, mounted under /admin/procedures-tools/ by wagtail_hooks.


def versions(request, pk):
    definition = viewable(request, WorkflowDefinition, pk)
    published = list(definition.versions.select_related("published_by").order_by("-number"))
    return TemplateResponse(
        request,
        "workflows/admin/versions.html",
        {
            "definition": definition,
            "versions": published,
            "newest": published[0] if published else None,
            "chart": flow_chart(published[0].flow_class) if published else None,
            "edit_url": reverse("wagtailsnippets_workflows_workflowdefinition:edit", args=[pk]),
        },
    )


def version_json(request, pk):
    return definitions_admin.version_json(request, WorkflowVersion, pk)


KIND = Kind(
    model=WorkflowDefinition,
    stream=stream_from_graph,
    edit_url="wagtailsnippets_workflows_workflowdefinition:edit",
    list_url="wagtailsnippets_workflows_workflowdefinition:list",
    tools="workflows_admin",
    icon="tasks",
    procedure=True,
)


def differences_view(request, pk):
    return variant_differences(request, KIND, pk)


def merge_view(request, pk):
    return variant_merge(request, KIND, pk)


def variant(request, pk):
    return variant_view(request, KIND, pk)


urlpatterns = [
    path("<int:pk>/differences/", differences_view, name="differences"),
    path("<int:pk>/merge/", merge_view, name="merge"),
    path("<int:pk>/versions/", versions, name="versions"),
    path("versions/<int:pk>.json", version_json, name="version_json"),
    path("<int:pk>/variant/", variant, name="variant"),
    *designer_views.urlpatterns,
    *bpmn_views.urlpatterns,
]
