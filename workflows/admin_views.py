"""Wagtail admin for procedures: editing with the publish check, owner-based permissions,
versions with their flow chart, and zone variants of regional templates.

The generic pieces (the owner permission policy, the variant form) come from the
questionnaire admin in `forms.admin_views`, which these pages mirror.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.utils import ErrorList
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton, MenuItem
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from definitions.admin import (
    OwnedDefinitionForm,
    OwnerCheckedEdit,
    title_and_slug,
)
from definitions.variant_views import (
    Kind,
    VariantHeaderButtons,
    VariantListButtons,
    after_variant_created,
    variant_owners,
)
from definitions.variant_views import differences as variant_differences
from definitions.variant_views import merge_view as variant_merge
from forms import admin_views as forms_admin

from . import bpmn_views, designer_views
from .flows import flow_chart
from .graph import normalise
from .models import WorkflowDefinition, WorkflowVersion
from .publishing import current
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


def _viewable(request, pk) -> WorkflowDefinition:
    if not request.user.has_perm("workflows.view_workflowdefinition") and not (
        request.user.has_perm("workflows.change_workflowdefinition")
    ):
        raise PermissionDenied
    return get_object_or_404(WorkflowDefinition, pk=pk)


def versions(request, pk):
    definition = _viewable(request, pk)
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
    version = get_object_or_404(WorkflowVersion, pk=pk)
    _viewable(request, version.definition_id)
    return HttpResponse(
        json.dumps(version.graph, ensure_ascii=False, indent=2), content_type="application/json"
    )


class VariantForm(forms_admin.VariantForm):
    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if WorkflowDefinition.objects.filter(slug=slug).exists():
            raise ValidationError(_("A procedure with this slug exists."))
        return slug


def variant(request, pk):
    template = _viewable(request, pk)
    if template.based_on_id is not None or not request.user.has_perm(
        "workflows.add_workflowdefinition"
    ):
        raise PermissionDenied
    owners = variant_owners(request.user)
    form = VariantForm(request.POST or None, owners=owners, template=template)
    if request.method == "POST" and form.is_valid():
        # A variant adapts what the template published (its draft, if never published).
        published = template.latest_version
        graph = published.graph if published else current(template).graph
        with transaction.atomic():
            copy = WorkflowDefinition(
                slug=form.cleaned_data["slug"],
                title=template.title,
                title_en=template.title_en,
                description=template.description,
                owner=form.cleaned_data["owner"],
                based_on=template,
                based_on_version=published,
                body=json.dumps(stream_from_graph(graph)),
                live=False,
            )
            copy.save()
            copy.save_revision(user=request.user)
        return after_variant_created(
            request,
            copy,
            "wagtailsnippets_workflows_workflowdefinition:edit",
            "wagtailsnippets_workflows_workflowdefinition:list",
        )
    return TemplateResponse(
        request,
        "workflows/admin/variant.html",
        {"form": form, "title": _("Create a zone variant"), "definition": template},
    )


KIND = Kind(
    model=WorkflowDefinition,
    # Versions hold normalised graphs: the draft's is normalised too, or defaults would differ.
    content=lambda definition: normalise(definition.graph),
    version_content=lambda version: version.graph,
    stream=stream_from_graph,
    edit_url="wagtailsnippets_workflows_workflowdefinition:edit",
    tools="workflows_admin",
    icon="tasks",
    procedure=True,
)


def differences_view(request, pk):
    return variant_differences(request, KIND, pk)


def merge_view(request, pk):
    return variant_merge(request, KIND, pk)


urlpatterns = [
    path("<int:pk>/differences/", differences_view, name="differences"),
    path("<int:pk>/merge/", merge_view, name="merge"),
    path("<int:pk>/versions/", versions, name="versions"),
    path("versions/<int:pk>.json", version_json, name="version_json"),
    path("<int:pk>/variant/", variant, name="variant"),
    *designer_views.urlpatterns,
    *bpmn_views.urlpatterns,
]
