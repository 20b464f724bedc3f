"""Admin pages exporting a procedure as BPMN 2.0 and importing one drawn elsewhere (bpmn.io,
Camunda Modeler, Flowable), mounted with the procedures' other tools.

Who may use them is the edit view's rule: the model permission, then the owner (another
owner's procedure is a 404). An import is checked whole, as the designer's save is: a file
with problems is refused with them and nothing is saved.
"""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forms.host import host

from . import designer
from .models import WorkflowDefinition

MAX_BYTES = 5 * 1024 * 1024


def _editable(request, pk) -> WorkflowDefinition:
    if not designer.policy().user_has_permission(request.user, "change"):
        raise PermissionDenied
    definition = get_object_or_404(WorkflowDefinition, pk=pk)
    if not designer.may_edit(request.user, definition):
        raise Http404
    return definition


def export(request, pk):
    """The draft as last saved, laid out as the designer last saved it."""
    definition = _editable(request, pk)
    response = HttpResponse(designer.diagram(definition), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{definition.slug}.bpmn"'
    return response


class ImportForm(django_forms.Form):
    file = django_forms.FileField(
        label=gettext_lazy("BPMN file"),
        help_text=gettext_lazy(
            "A BPMN 2.0 diagram (.bpmn or .xml), e.g. saved by bpmn.io or Camunda Modeler."
        ),
    )
    title = django_forms.CharField(label=gettext_lazy("title"), max_length=200)
    owner = django_forms.ModelChoiceField(queryset=None, label=gettext_lazy("owner"))

    def __init__(self, *args, owners=None, definition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        if definition is not None:  # a new revision keeps the procedure's title and owner
            del self.fields["title"], self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise django_forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // 1024 // 1024}
            )
        return upload.read()

    def clean(self):
        cleaned = super().clean()
        xml = cleaned.get("file")
        if xml is None or self.errors:
            return cleaned
        target = self.definition or WorkflowDefinition(
            slug=designer.unique_slug(cleaned.get("title") or ""),
            title=cleaned.get("title") or "",
        )
        graph, _layout, found = designer.read(target, _text(xml))
        if found:
            raise django_forms.ValidationError({"file": [_problem(problem) for problem in found]})
        cleaned["graph"] = graph
        return cleaned


def _text(xml: bytes) -> str:
    try:
        return xml.decode("utf-8-sig")
    except UnicodeDecodeError:
        return xml.decode("latin-1")  # the XML parser reads the declared encoding's text


def _problem(problem) -> str:
    # The publish check's messages name their step already.
    return str(getattr(problem, "message", None) or problem)


def import_new(request):
    if not designer.policy().user_has_permission(request.user, "add"):
        raise PermissionDenied
    form = ImportForm(
        request.POST or None, request.FILES or None, owners=host().owners_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        graph = form.cleaned_data["graph"]
        with transaction.atomic():
            definition = WorkflowDefinition(
                slug=designer.unique_slug(form.cleaned_data["title"]),
                title=form.cleaned_data["title"],
                title_en=graph["title"].get("en") or "",
                description=graph.get("description") or "",
                owner=form.cleaned_data["owner"],
                body="[]",
                live=False,
            )
            definition.save()
            definition.save_revision(user=request.user, log_action=True)
            outcome = designer.save(definition, _text(form.cleaned_data["file"]), request.user)
            if outcome.problems:  # checked above; a rule changed meanwhile
                transaction.set_rollback(True)
        if not outcome.problems:
            messages.success(request, _("Imported as a draft: check it and publish."))
            return redirect("wagtailsnippets_workflows_workflowdefinition:edit", definition.pk)
        form.add_error("file", [_problem(problem) for problem in outcome.problems])
    return _page(request, form, _("Import a procedure from BPMN"), None)


def import_into(request, pk):
    definition = _editable(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        outcome = designer.save(definition, _text(form.cleaned_data["file"]), request.user)
        if not outcome.problems:
            messages.success(request, _("Imported as a new draft: check it and publish."))
            return redirect("wagtailsnippets_workflows_workflowdefinition:edit", definition.pk)
        form.add_error("file", [_problem(problem) for problem in outcome.problems])
    return _page(request, form, _("Import a new draft from BPMN"), definition)


def _page(request, form, title, definition):
    return TemplateResponse(
        request,
        "workflows/admin/bpmn_import.html",
        {
            "form": form,
            "title": title,
            "definition": definition,
            "export_url": definition
            and reverse("workflows_admin:bpmn_export", args=[definition.pk]),
        },
    )


urlpatterns = [
    path("<int:pk>/bpmn/", export, name="bpmn_export"),
    path("<int:pk>/bpmn/import/", import_into, name="bpmn_import_into"),
    path("bpmn/import/", import_new, name="bpmn_import"),
]
