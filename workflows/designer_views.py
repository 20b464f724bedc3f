"""The procedure designer's admin pages (mounted under /admin/procedures-tools/).

Who may use them is who may edit the procedure in the admin (the owner-scoped policy of the
edit view); any other procedure is 404, so ids confirm nothing.
"""

from __future__ import annotations

from django import forms as django_forms
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from forms.host import host

from . import designer
from .models import WorkflowDefinition


def editable(request, pk) -> WorkflowDefinition:
    definition = WorkflowDefinition.objects.select_related("owner").filter(pk=pk).first()
    if definition is None or not designer.may_edit(request.user, definition):
        raise Http404
    return definition


def strings() -> dict:
    """What designer.js says, in the user's language."""
    return {
        "properties": _("Properties"),
        "nothing": _(
            "Select a step or an arrow on the diagram to see its properties here; choose "
            "steps from the palette on the left, or from the small menu beside a step."
        ),
        "process": _("Procedure"),
        "name": _("Name on the diagram"),
        "kinds": {
            "bpmn:StartEvent": _("Start of the procedure"),
            "bpmn:EndEvent": _("End of the procedure"),
            "bpmn:UserTask": _("Task done by a person"),
            "bpmn:ServiceTask": _("Automatic action"),
            "bpmn:ExclusiveGateway": _("Decision"),
            "bpmn:ParallelGateway": _("Parallel branches"),
            "bpmn:IntermediateCatchEvent": _("Wait"),
            "bpmn:SequenceFlow": _("Arrow"),
        },
        "palette": {
            "start": _("Add the start"),
            "end": _("Add an end"),
            "user": _("Add a task done by a person"),
            "service": _("Add an automatic action"),
            "exclusive": _("Add a decision"),
            "parallel": _("Add parallel branches (or where they meet again)"),
            "timer": _("Add a wait"),
            "connect": _("Draw an arrow to another step"),
            "delete": _("Remove"),
        },
        "append": {
            "user": pgettext("add after a step", "Task done by a person"),
            "service": pgettext("add after a step", "Automatic action"),
            "exclusive": pgettext("add after a step", "Decision"),
            "parallel": pgettext("add after a step", "Parallel branch"),
            "timer": pgettext("add after a step", "Wait"),
            "end": pgettext("add after a step", "End"),
        },
        "appendTitle": _("Add after this element"),
        "added": _("Added: %(kind)s. Type its name; its properties follow in the panel."),
        "outgoing": _("Arrows leaving this element"),
        "arrowTo": _("Arrow to %(name)s"),
        "otherwiseShort": _("otherwise"),
        "withCondition": _("with a condition"),
        "backTo": _("Back to %(name)s"),
        "connectTitle": _("Connect to…"),
        "connectLabel": _("Draw an arrow from this element to"),
        "chooseTarget": _("Choose an element"),
        "connect": _("Connect"),
        "connected": _("Arrow drawn from %(source)s to %(target)s."),
        "cannotConnect": _("These two elements cannot be connected."),
        "remove": _("Remove this element"),
        "removeArrow": _("Remove this arrow"),
        "removed": _("Removed: %(name)s."),
        "assignee": _("Who does it"),
        "role": _("Role"),
        "within": _("Within"),
        "performer": _("Whoever completed the task"),
        "group": _("Group"),
        "queue": _("Leave it in the shared queue for someone to take"),
        "form": _("Questionnaire to fill in"),
        "approve": _("None: approve or reject"),
        "deadline": _("Deadline"),
        "noDeadline": _("No deadline"),
        "amount": _("How many"),
        "unit": _("Unit"),
        "escalation": _("When the deadline passes"),
        "units": {
            "working_days": _("working days"),
            "days": _("calendar days"),
            "weeks": _("weeks"),
            "months": _("months"),
            "hours": _("hours"),
        },
        "action": _("Action"),
        "chooseAction": _("Choose an action"),
        "chooseRole": _("Choose a role"),
        "wait": _("How long to wait"),
        "condition": _("Go this way when"),
        "otherwise": _("Otherwise: go this way when no other condition holds"),
        "otherwiseHelp": _("The arrow taken when no condition of the decision holds."),
        "noBuilder": _("The condition builder is not available on this page."),
        "branchLabel": _("Label of the arrow"),
        "approved": _("approved"),
        "saving": _("Saving…"),
        "saved": _("Draft saved."),
        "published": _("Published: version %(number)s."),
        "refused": _("Nothing was saved: fix the problems marked on the diagram."),
        "failed": _("The server did not answer: nothing was saved. Try again."),
        "unsaved": _("There are changes not yet saved."),
        "problems": _("Problems"),
        "showStep": _("Show it on the diagram"),
        "procedureProblem": _("Procedure"),
    }


def designer_page(request, pk):
    definition = editable(request, pk)
    data = {
        "strings": strings(),
        "panel": designer.panel_data(),
        "moddle": designer.moddle_descriptor(),
        "deadline_prefix": designer.deadline_prefix(),
        "save_url": reverse("workflows_admin:designer_save", args=[pk]),
        "publish_url": reverse("workflows_admin:designer_publish", args=[pk]),
        "process_name": definition.title,
    }
    return TemplateResponse(
        request,
        "workflows/admin/designer.html",
        {
            "definition": definition,
            "xml": designer.diagram(definition),
            "data": data,
            "may_publish": designer.may_publish(request.user, definition),
            "edit_url": reverse("wagtailsnippets_workflows_workflowdefinition:edit", args=[pk]),
            "versions_url": reverse("workflows_admin:versions", args=[pk]),
        },
    )


def _answer(outcome) -> JsonResponse:
    if outcome.problems:
        return JsonResponse(
            {
                "problems": [
                    {
                        "step": problem.path if problem.path != "steps" else None,
                        "message": problem.message,
                    }
                    for problem in outcome.problems
                ]
            },
            status=400,
        )
    answer = {"saved": True}
    if outcome.version is not None:
        answer["version"] = outcome.version.number
    return JsonResponse(answer)


@require_POST
def designer_save(request, pk):
    definition = editable(request, pk)
    return _answer(designer.save(definition, request.POST.get("xml", ""), request.user))


@require_POST
def designer_publish(request, pk):
    definition = editable(request, pk)
    if not designer.may_publish(request.user, definition):
        raise Http404
    return _answer(designer.save_and_publish(definition, request.POST.get("xml", ""), request.user))


class NewProcedureForm(django_forms.Form):
    title = django_forms.CharField(label=gettext_lazy("Name of the procedure"), max_length=200)
    owner = django_forms.ModelChoiceField(queryset=None, label=gettext_lazy("Owner"))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if owners.count() == 1:
            self.fields["owner"].initial = owners.first()


def new_procedure(request):
    if not designer.policy().user_has_permission(request.user, "add"):
        raise Http404
    owners = host().owners_for(request.user)
    form = NewProcedureForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        definition = designer.create(
            form.cleaned_data["title"], form.cleaned_data["owner"], request.user
        )
        return redirect("workflows_admin:designer", definition.pk)
    return TemplateResponse(
        request,
        "workflows/admin/designer_new.html",
        {"form": form, "title": _("New procedure")},
    )


urlpatterns = [
    path("new/", new_procedure, name="designer_new"),
    path("<int:pk>/designer/", designer_page, name="designer"),
    path("<int:pk>/designer/save/", designer_save, name="designer_save"),
    path("<int:pk>/designer/publish/", designer_publish, name="designer_publish"),
]
