"""Wagtail admin for questionnaires: editing with a publish check, versions, the difference of a
zone variant from its template, try-out, export and import (JSON or XLSForm)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton, ListingButton, MenuItem
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from definitions import admin as definitions_admin
from definitions.admin import (
    OwnedDefinitionForm,
    OwnerCheckedEdit,
    OwnerPermissionPolicy,
    title_and_slug,
    viewable,
)
from definitions.variant_views import (
    Kind,
    VariantHeaderButtons,
    VariantListButtons,
    mark_reviewed,
    variant_view,
)
from definitions.variant_views import differences as variant_differences
from definitions.variant_views import merge_view as variant_merge

from . import xlsform
from .diff import ADDED, CHANGED, MOVED, REMOVED, differences
from .host import host
from .models import FormDefinition, FormVersion
from .publishing import ImportRefused, current, export_definition, import_definition, read_export
from .rendering import try_context
from .streamfield import stream_from_schema
from .xlsform_export import export_xlsform

CHANGE_LABELS = {
    (ADDED, "step"): gettext_lazy("step added"),
    (REMOVED, "step"): gettext_lazy("step removed"),
    (CHANGED, "step"): gettext_lazy("step changed"),
    (ADDED, "field"): gettext_lazy("field added"),
    (REMOVED, "field"): gettext_lazy("field removed"),
    (CHANGED, "field"): gettext_lazy("field changed"),
    (MOVED, "field"): gettext_lazy("field moved"),
}


class _QuestionnaireForm(OwnedDefinitionForm):
    refusal = gettext_lazy("The questionnaire cannot be published: %s")


class DefinitionCreateView(_QuestionnaireForm, CreateView):
    pass


class DefinitionEditView(_QuestionnaireForm, OwnerCheckedEdit, VariantHeaderButtons, EditView):
    variant_tools = "forms_admin"

    @property
    def header_buttons(self):
        # The designer first: building by clicking is the way in for administrators.
        designer = reverse("forms_designer:designer", args=[self.object.pk])
        return [
            HeaderButton(_("Open the designer"), url=designer, icon_name="edit", priority=5),
            *super().header_buttons,
        ]

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        pk = self.object.pk
        buttons += [
            HeaderButton(
                _("Versions"), url=reverse("forms_admin:versions", args=[pk]), icon_name="history"
            ),
            HeaderButton(_("Try it"), url=reverse("forms_admin:try", args=[pk]), icon_name="view"),
            HeaderButton(
                _("Export"), url=reverse("forms_admin:export", args=[pk]), icon_name="download"
            ),
            HeaderButton(
                _("Export XLSForm"),
                url=reverse("forms_admin:export_xlsform", args=[pk]),
                icon_name="download",
            ),
        ]
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        update = self.object.template_update
        if update is not None:
            messages.info(
                self.request,
                _(
                    "The template “%(template)s” has published version %(number)s: "
                    "review it on the Versions page."
                )
                % {"template": update.definition, "number": update.number},
            )
        return context


class DefinitionIndexView(VariantListButtons, IndexView):
    variant_tools = "forms_admin"

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        if self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", instance
        ):
            designer = reverse("forms_designer:designer", args=[instance.pk])
            buttons.insert(0, ListingButton(_("Open the designer"), url=designer, icon_name="edit"))
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons += [
            MenuItem(
                _("Versions"),
                reverse("forms_admin:versions", args=[instance.pk]),
                icon_name="history",
                priority=40,
            ),
            MenuItem(
                _("Export"),
                reverse("forms_admin:export", args=[instance.pk]),
                icon_name="download",
                priority=50,
            ),
        ]
        if may_export(self.request.user, instance):
            buttons.append(
                MenuItem(
                    _("Export XLSForm"),
                    reverse("forms_admin:export_xlsform", args=[instance.pk]),
                    icon_name="download",
                    priority=51,
                )
            )
        return buttons

    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("forms.add_formdefinition"):
            new = reverse("forms_designer:new")
            buttons.insert(
                0, HeaderButton(_("New questionnaire"), url=new, icon_name="plus", priority=5)
            )
        return buttons

    @property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            HeaderButton(_("Import"), url=reverse("forms_admin:import"), icon_name="upload"),
        ]


def _template_update(definition) -> str:
    update = definition.template_update
    return _("version %s to review") % update.number if update else ""


class FormDefinitionViewSet(SnippetViewSet):
    model = FormDefinition
    icon = "form"
    menu_label = gettext_lazy("Questionnaires")
    menu_order = 300
    add_to_admin_menu = True
    url_prefix = "questionnaires"
    list_display = [
        "title",
        "slug",
        "owner",
        "based_on",
        Column("template_update", label=gettext_lazy("template update"), accessor=_template_update),
        "live",
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
        FieldPanel("shared_with_partners"),
        FieldPanel("body"),
    ]

    def get_queryset(self, request):
        return FormDefinition.objects.select_related("owner", "based_on")


# Extra pages, mounted under /admin/questionnaires-tools/ by wagtail_hooks.


def _viewable(request, pk) -> FormDefinition:
    return viewable(request, FormDefinition, pk)


def _editable(request, pk) -> FormDefinition:
    definition = _viewable(request, pk)
    if not OwnerPermissionPolicy(FormDefinition).user_has_permission_for_instance(
        request.user, "change", definition
    ):
        raise PermissionDenied
    return definition


def versions(request, pk):
    definition = _viewable(request, pk)
    template_version = definition.template_update or definition.based_on_version
    if request.method == "POST" and definition.template_update:
        _editable(request, pk)
        mark_reviewed(definition, definition.template_update)
        messages.success(request, _("Marked the template's new version as reviewed."))
        return redirect("forms_admin:versions", pk=pk)
    changes = None
    if definition.based_on_id and template_version is not None:
        changes = [
            {**vars(change), "label": CHANGE_LABELS[change.change, change.what]}
            for change in differences(template_version.schema, current(definition).schema)
        ]
    return TemplateResponse(
        request,
        "forms/admin/versions.html",
        {
            "definition": definition,
            "versions": definition.versions.select_related("published_by").annotate(
                submission_count=Count("submissions")
            ),
            "update": definition.template_update,
            "template_version": template_version,
            "changes": changes,
            "edit_url": reverse("wagtailsnippets_forms_formdefinition:edit", args=[pk]),
        },
    )


def version_json(request, pk):
    return definitions_admin.version_json(request, FormVersion, pk)


def try_form(request, pk):
    """Fill the draft content on one page and see what the validation engine makes of it."""
    definition = _viewable(request, pk)
    context = try_context(
        current(definition).schema, request.POST if request.method == "POST" else None
    )
    context.update(definition=definition, try_url=request.path)
    return TemplateResponse(request, "forms/preview.html", context)


def export(request, pk):
    definition = _viewable(request, pk)
    response = HttpResponse(export_definition(definition), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{definition.slug}.json"'
    return response


def may_export(user, definition) -> bool:
    """A template (no `based_on`) is shared with every administrator, who may base a variant
    on it; a zone's variant is its owner's only, as its differences and merge pages."""
    if user.is_superuser or definition.based_on_id is None:
        return True
    return host().owners_for(user).filter(pk=definition.owner_id).exists()


def export_xlsform_view(request, pk):
    """The questionnaire's current content as an XLSForm for ODK / KoboToolbox; what ODK
    computes differently is listed in the workbook and shown as warnings."""
    definition = _viewable(request, pk)
    if not may_export(request.user, definition):
        raise Http404
    content, notes = export_xlsform(current(definition).schema)
    if notes:
        message = ngettext(
            "In the XLSForm, %(count)s rule or check works differently in ODK: the “avvisi” "
            "sheet says which. Imported back, the questionnaire is the same.",
            "In the XLSForm, %(count)s rules or checks work differently in ODK: the “avvisi” "
            "sheet says which. Imported back, the questionnaire is the same.",
            len(notes),
        )
        messages.warning(request, message % {"count": len(notes)})
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{definition.slug}.xlsx"'
    return response


class ImportForm(django_forms.Form):
    file = django_forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy("A questionnaire exported as JSON, or an XLSForm (.xlsx)."),
    )
    owner = django_forms.ModelChoiceField(queryset=None, label=gettext_lazy("owner"))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        try:
            if upload.name.lower().endswith(".xlsx"):
                schema, cleaned["notes"] = xlsform.import_xlsform(upload)
                cleaned["document"] = {"slug": slugify(schema["slug"]), "schema": schema}
            else:
                cleaned["document"] = read_export(upload.read())
        except (ImportRefused, xlsform.XLSFormError) as error:
            raise django_forms.ValidationError({"file": str(error)}) from None
        return cleaned


def import_view(request):
    if not request.user.has_perm("forms.add_formdefinition"):
        raise PermissionDenied
    form = ImportForm(
        request.POST or None, request.FILES or None, owners=host().owners_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        existing = FormDefinition.objects.filter(slug=document["slug"]).first()
        if existing and not OwnerPermissionPolicy(FormDefinition).user_has_permission_for_instance(
            request.user, "change", existing
        ):
            form.add_error("file", _("A questionnaire with this slug belongs to another owner."))
        else:
            with transaction.atomic():  # the definition and its revision, or nothing
                definition = import_definition(
                    document, owner=form.cleaned_data["owner"], user=request.user
                )
            messages.success(request, _("Imported as a draft: check it and publish."))
            for note in form.cleaned_data.get("notes") or ():  # what the import left out
                messages.warning(request, note)
            return redirect("wagtailsnippets_forms_formdefinition:edit", definition.pk)
    return TemplateResponse(
        request, "forms/admin/file_form.html", {"form": form, "title": _("Import a questionnaire")}
    )


KIND = Kind(
    model=FormDefinition,
    stream=stream_from_schema,
    edit_url="wagtailsnippets_forms_formdefinition:edit",
    list_url="wagtailsnippets_forms_formdefinition:list",
    copied=("title", "title_en", "description", "shared_with_partners"),
    tools="forms_admin",
    icon="form",
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
    path("<int:pk>/try/", try_form, name="try"),
    path("<int:pk>/export/", export, name="export"),
    path("<int:pk>/export.xlsx", export_xlsform_view, name="export_xlsform"),
    path("<int:pk>/variant/", variant, name="variant"),
    path("import/", import_view, name="import"),
]
