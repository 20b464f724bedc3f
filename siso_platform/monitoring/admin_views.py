"""Wagtail admin for benefit programmes, need indicators and complementary items.

Programmes and indicators are edited like questionnaires (drafts, revisions, publishing, an
owner that limits who edits them: `forms.admin_views`, whose generic pieces these pages
reuse); publishing freezes a version. Extra pages (versions, export, import) are mounted
under /admin/monitoring-tools/ by wagtail_hooks.
"""

from __future__ import annotations

import json

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.admin.widgets.button import HeaderButton, MenuItem
from wagtail.snippets.views.snippets import CreateView, EditView, IndexView, SnippetViewSet

from definitions.admin import (
    OwnedDefinitionForm,
    OwnerCheckedEdit,
    OwnerPermissionPolicy,
    title_and_slug,
    viewable,
)
from forms import admin_views as forms_admin
from forms.host import host
from siso_platform.casework.entry_forms import AmountField

from . import dry_run_views, publishing
from .models import ComplementaryItems, Indicator, Programme
from .widgets import RuleWidget


class _RuleForm(OwnedDefinitionForm):
    refusal = gettext_lazy("The rule cannot be published: %s")

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if "amount" in form.fields:  # a programme's amount, as Italians write it: 250,50
            found = form.fields["amount"]
            form.fields["amount"] = AmountField(
                label=found.label,
                help_text=found.help_text,
                required=False,
                max_digits=12,
                decimal_places=2,
                validators=found.validators,
            )
        return form

    def add_publish_errors(self, form, found):
        for problem in found:
            form.add_error("rule", problem)


def _kind(model) -> str:
    return model._meta.model_name  # "programme" or "indicator", as in publishing.KINDS


class RuleCreateView(_RuleForm, CreateView):
    pass


class RuleEditView(_RuleForm, OwnerCheckedEdit, EditView):
    @property
    def header_more_buttons(self):
        args = [_kind(self.model), self.object.pk]
        return [
            *super().header_more_buttons,
            HeaderButton(
                _("Versions"),
                url=reverse("monitoring_admin:versions", args=args),
                icon_name="history",
            ),
            HeaderButton(
                _("Export"), url=reverse("monitoring_admin:export", args=args), icon_name="download"
            ),
        ]

    @property
    def header_buttons(self):
        # In sight, not in the "…" menu: trying a draft is the step before publishing it.
        args = [_kind(self.model), self.object.pk]
        return [
            *super().header_buttons,
            HeaderButton(
                _("Try on the data"),
                url=reverse("monitoring_admin:dry_run", args=args),
                icon_name="view",
            ),
        ]


class RuleIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        args = [_kind(self.model), instance.pk]
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                _("Versions"),
                reverse("monitoring_admin:versions", args=args),
                icon_name="history",
                priority=40,
            ),
            MenuItem(
                _("Export"),
                reverse("monitoring_admin:export", args=args),
                icon_name="download",
                priority=50,
            ),
        ]

    @property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(
                    _("Import"), url=reverse("monitoring_admin:import"), icon_name="upload"
                )
            )
        return buttons


def _rule_panels(*specific):
    return [
        *title_and_slug(),
        FieldPanel("owner"),
        FieldPanel("description"),
        *specific,
        MultiFieldPanel(
            [
                FieldPanel("rule", widget=RuleWidget),
                HelpPanel(template="monitoring/admin/fact_sheet_help.html"),
            ],
            heading=gettext_lazy("Rule"),
        ),
    ]


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "tick-inverse"
    menu_label = gettext_lazy("Benefit programmes")
    url_prefix = "monitoring/programmes"
    list_display = ["title", "item", "owner", "starts_on", "ends_on", "live"]
    list_filter = ["owner"]
    search_fields = ["title", "slug"]
    add_view_class = RuleCreateView
    edit_view_class = RuleEditView
    index_view_class = RuleIndexView
    panels = _rule_panels(
        FieldPanel("item"),
        FieldPanel("starts_on"),
        FieldPanel("ends_on"),
        FieldPanel("amount"),
        FieldPanel("amount_period"),
    )

    def get_queryset(self, request):
        return Programme.objects.select_related("owner", "item")


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "warning"
    menu_label = gettext_lazy("Need indicators")
    url_prefix = "monitoring/indicators"
    list_display = ["title", "need_category", "severity", "owner", "live"]
    list_filter = ["owner", "severity"]
    search_fields = ["title", "slug"]
    add_view_class = RuleCreateView
    edit_view_class = RuleEditView
    index_view_class = RuleIndexView
    panels = _rule_panels(
        FieldPanel("need_category"), FieldPanel("severity"), FieldPanel("message")
    )

    def get_queryset(self, request):
        return Indicator.objects.select_related("owner", "need_category")


class ComplementaryItemsViewSet(SnippetViewSet):
    model = ComplementaryItems
    icon = "link"
    menu_label = gettext_lazy("Complementary items")
    url_prefix = "monitoring/complementary"
    list_display = ["first", "second", "reason"]
    panels = [FieldPanel("first"), FieldPanel("second"), FieldPanel("reason")]


# --- extra pages ---------------------------------------------------------------------------


def _model(kind: str):
    try:
        return publishing.KINDS[kind]
    except KeyError:
        raise Http404 from None


def _perm(model, action: str) -> str:
    return f"monitoring.{action}_{model._meta.model_name}"


def _viewable(request, kind: str, pk: int):
    return viewable(request, _model(kind), pk)


def _edit_url(definition) -> str:
    return reverse(
        f"wagtailsnippets_monitoring_{_kind(type(definition))}:edit", args=[definition.pk]
    )


def versions(request, kind, pk):
    definition = _viewable(request, kind, pk)
    published = definition.versions.select_related("published_by").order_by("-number")
    return TemplateResponse(
        request,
        "monitoring/admin/versions.html",
        {
            "definition": definition,
            "versions": [
                (version, json.dumps(version.rule, ensure_ascii=False, indent=2))
                for version in published
            ],
            "edit_url": _edit_url(definition),
        },
    )


def export(request, kind, pk):
    definition = _viewable(request, kind, pk)
    response = HttpResponse(publishing.to_json(definition), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{definition.slug}.json"'
    return response


class ImportForm(forms_admin.ImportForm):
    """The questionnaire import form (its owner choice), reading a rule export instead."""

    file = django_forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy("A benefit programme or need indicator exported as JSON."),
    )

    def clean(self):
        cleaned = self.cleaned_data
        upload = cleaned.get("file")
        if upload is not None:
            try:
                cleaned["document"] = publishing.read(upload.read())
            except publishing.ImportRefused as error:
                raise ValidationError({"file": str(error)}) from None
        return cleaned


def _import(request, form):
    """The definition the form's file describes, saved as a draft; None with form errors."""
    user, doc = request.user, form.cleaned_data["document"]
    model = publishing.KINDS[doc["kind"]]
    if not user.has_perm(_perm(model, "add")):
        form.add_error("file", _("You may not create a %s.") % model._meta.verbose_name)
        return None
    existing = model.objects.filter(slug=doc["slug"]).first()
    policy = OwnerPermissionPolicy(model)
    if existing and not policy.user_has_permission_for_instance(user, "change", existing):
        form.add_error(
            "file",
            _("A %(kind)s with the slug “%(slug)s” belongs to another owner.")
            % {"kind": model._meta.verbose_name, "slug": doc["slug"]},
        )
        return None
    try:
        with transaction.atomic():
            return publishing.save(doc, owner=form.cleaned_data["owner"], user=user)
    except publishing.ImportRefused as error:
        form.add_error("file", str(error))
    except ValidationError as error:
        # The document's content fails the model's checks (a rule that is not JSON Logic...).
        for field, problems in error.message_dict.items():
            label = model._meta.get_field(field).verbose_name if field != "__all__" else ""
            for problem in problems:
                form.add_error("file", f"{label}: {problem}" if label else problem)
    return None


def import_view(request):
    user = request.user
    if not any(user.has_perm(_perm(model, "add")) for model in publishing.KINDS.values()):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, owners=host().owners_for(user))
    if request.method == "POST" and form.is_valid():
        definition = _import(request, form)
        if definition is not None:
            messages.success(request, _("Imported as a draft: check it and publish."))
            return redirect(_edit_url(definition))
    return TemplateResponse(
        request,
        "forms/admin/file_form.html",
        {"form": form, "title": _("Import a programme or indicator")},
    )


urlpatterns = [
    path("<slug:kind>/<int:pk>/versions/", versions, name="versions"),
    path("<slug:kind>/<int:pk>/export/", export, name="export"),
    path("import/", import_view, name="import"),
    path("<slug:kind>/<int:pk>/dry-run/", dry_run_views.dry_run, name="dry_run"),
    path(
        "<slug:kind>/<int:pk>/dry-run/<int:run>/",
        dry_run_views.result,
        name="dry_run_result",
    ),
    path(
        "<slug:kind>/<int:pk>/dry-run/<int:run>/progress/",
        dry_run_views.progress,
        name="dry_run_progress",
    ),
]
