"""The visual questionnaire designer: its page, saving a draft revision and publishing.

The page carries the draft's canonical schema; `designer.js` edits it in the browser and
posts it back whole. Nothing is saved unless `designer_rules.refusals` finds nothing.
Mounted under /admin/questionnaires-tools/ by wagtail_hooks, with the owner scoping of the
snippet's edit view (a definition of another owner is a 404).
"""

from __future__ import annotations

import json

from django import forms as django_forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from definitions import strict_json
from definitions.slugs import unique_slug

from . import registry
from .admin_views import OwnerPermissionPolicy
from .blocks import group_block, simple_field_blocks
from .designer_rules import Refused, refusals, refusals_of_problems
from .host import host
from .models import FormDefinition
from .publishing import PublishRefused, current, publish
from .schema import GROUP, OTHER, OTHER_LABEL, OTHER_TEXT_LABEL, WITH_CHOICES, without_other
from .streamfield import stream_from_schema

POLICY = OwnerPermissionPolicy(FormDefinition)
# The designer's texts, sent to designer.js in the page (#qd-text).
TEXT = {
    "add_choice": gettext_lazy("Add a choice"),
    "add_row": gettext_lazy("Add a row"),
    "add_rule": gettext_lazy("Add a rule"),
    "choice_filter": gettext_lazy("Choice filter"),
    "choose": gettext_lazy("— choose —"),
    "constraint_message": gettext_lazy("Message when the answer is not valid"),
    "constraint_message_en": gettext_lazy("Message when the answer is not valid (English)"),
    "default": gettext_lazy("Default answer"),
    "default_help": gettext_lazy("Filled in when a new questionnaire is started."),
    "filter_by": gettext_lazy("Offer the choices according to the answer to"),
    "hidden_value": gettext_lazy("Value recorded"),
    "image_extensions": gettext_lazy("Allowed image types (e.g. jpg, png)"),
    "latitude": gettext_lazy("Latitude"),
    "longitude": gettext_lazy("Longitude"),
    "messages": gettext_lazy("Messages to the person answering"),
    "never_offered": gettext_lazy("This choice is never offered: pick the answer it goes with."),
    "no_default": gettext_lazy("(none)"),
    "no_filter": gettext_lazy("(nothing: every choice is always offered)"),
    "or_other": gettext_lazy("Offer “Other” with a box to write it in"),
    "range_end": pgettext_lazy("range", "End"),
    "range_missing": gettext_lazy("Enter the start and the end as numbers."),
    "range_order": gettext_lazy("The start and the end must differ."),
    "range_start": pgettext_lazy("range", "Start"),
    "range_step": pgettext_lazy("range", "Increment"),
    "range_step_positive": gettext_lazy("The increment must be greater than zero."),
    "rank_help": gettext_lazy("Order the choices: the first is the most important."),
    "remove_row": gettext_lazy("Remove this row"),
    "remove_rule_named": gettext_lazy("Remove rule %(n)s"),
    "required_message": gettext_lazy("Message when the answer is missing"),
    "required_message_en": gettext_lazy("Message when the answer is missing (English)"),
    "row_n": gettext_lazy("Row %(number)s"),
    "rule_message": gettext_lazy("Message when the rule does not hold"),
    "rule_message_en": gettext_lazy("Message of rule %(n)s (English)"),
    "rule_n": gettext_lazy("Rule %(n)s"),
    "rules": gettext_lazy("Validation rules"),
    "rules_help": gettext_lazy(
        "The answer is accepted only when every rule holds; otherwise its message is shown."
    ),
    "shown_with": gettext_lazy("Offered when “%(name)s” is"),
    "valid_if": gettext_lazy("valid if:"),
    "add_field": gettext_lazy("Add field"),
    "add_kind": gettext_lazy("Add a field: %(kind)s"),
    "added": gettext_lazy("Field “%(label)s” added: set its properties."),
    "advanced": gettext_lazy("Advanced"),
    "back_to_list": gettext_lazy("Back to the list of fields"),
    "step_hidden": gettext_lazy("With these answers the whole step is hidden."),
    "badge_computed": gettext_lazy("computed"),
    "badge_conditional": gettext_lazy("shown on a condition"),
    "badge_required": gettext_lazy("required"),
    "badge_required_when": gettext_lazy("required on a condition"),
    "choice_n": gettext_lazy("Choice %(n)s"),
    "choices": gettext_lazy("Choices"),
    "computed": gettext_lazy("Computed value"),
    "confirm_remove": gettext_lazy("Remove “%(name)s”?"),
    "conflict": gettext_lazy("Not saved: someone else saved a newer version."),
    "decimal_places": gettext_lazy("Decimal places"),
    "extensions": gettext_lazy("Allowed file types (e.g. pdf, jpg)"),
    "fact": gettext_lazy("Record the answer as"),
    "fields_of_group": gettext_lazy("Fields of the group “%(name)s”"),
    "fields_of_step": gettext_lazy("Fields of the step “%(name)s”"),
    "help": gettext_lazy("Help text"),
    "help_en": gettext_lazy("Help text (English)"),
    "invalid_logic": gettext_lazy("This condition cannot be read: rebuild it or empty the box."),
    "key": gettext_lazy("Key"),
    "key_help": gettext_lazy(
        "Used in exports and in conditions: lowercase letters, digits and “_”, "
        "starting with a letter."
    ),
    "kind_in_group": gettext_lazy("Kind of field to add to “%(name)s”"),
    "kind_in_step": gettext_lazy("Kind of field to add to “%(name)s”"),
    "label": gettext_lazy("Label"),
    "label_en": gettext_lazy("Label (English)"),
    "max_count": gettext_lazy("Most choices"),
    "max_length": gettext_lazy("Most characters"),
    "max_rows": gettext_lazy("Most rows"),
    "max_size_kb": gettext_lazy("Largest file (KB)"),
    "maximum": gettext_lazy("Maximum"),
    "min_count": gettext_lazy("Fewest choices"),
    "min_length": gettext_lazy("Fewest characters"),
    "min_rows": gettext_lazy("Fewest rows"),
    "minimum": gettext_lazy("Minimum"),
    "move_down": gettext_lazy("Move down"),
    "move_down_named": gettext_lazy("Move down: %(name)s"),
    "move_up": gettext_lazy("Move up"),
    "move_up_named": gettext_lazy("Move up: %(name)s"),
    "network_error": gettext_lazy("The server could not be reached: nothing was saved. Try again."),
    "no": gettext_lazy("No"),
    "not_published": gettext_lazy("Not published: correct what is listed."),
    "not_saved": gettext_lazy("Not saved: correct what is listed."),
    "note_text": gettext_lazy("Text to show"),
    "pattern": gettext_lazy("Pattern (regular expression)"),
    "prefill": gettext_lazy("Prefill from"),
    "publishing": gettext_lazy("Publishing…"),
    "remove": gettext_lazy("Remove"),
    "remove_choice_named": gettext_lazy("Remove choice %(n)s"),
    "remove_named": gettext_lazy("Remove: %(name)s"),
    "required": gettext_lazy("Required"),
    "required_if": gettext_lazy("Required when"),
    "saving": gettext_lazy("Saving…"),
    "select_hint": gettext_lazy("Select a step or a field to see its properties."),
    "server_error": gettext_lazy("The server could not save: nothing was saved. Try again."),
    "step": gettext_lazy("Step"),
    "step_n": gettext_lazy("Step %(n)s"),
    "step_visible_if": gettext_lazy("Show the step only when"),
    "title": gettext_lazy("Title"),
    "title_en": gettext_lazy("Title (English)"),
    "unsaved": gettext_lazy("Unsaved changes."),
    "visible_if": gettext_lazy("Show only when"),
    "when": gettext_lazy("When a condition holds"),
    "yes": gettext_lazy("Yes"),
}


def _designable(request, pk, action="change") -> FormDefinition:
    if not request.user.has_perm("forms.change_formdefinition"):
        raise PermissionDenied
    definition = get_object_or_404(FormDefinition, pk=pk)
    if not POLICY.user_has_permission_for_instance(request.user, action, definition):
        if action != "change" and POLICY.user_has_permission_for_instance(
            request.user, "change", definition
        ):
            raise PermissionDenied
        raise Http404  # another owner's questionnaire is not shown to exist
    return definition


def kinds() -> list[dict]:
    """The palette: every kind the StreamField offers, with its (translated) name."""
    return [
        {"kind": name, "label": str(block.label)}
        for name, block in [*simple_field_blocks(), ("group", group_block())]
    ]


def editable(schema: dict) -> dict:
    """The schema as the designer edits it: what `or_other` adds (the choice "other" and its
    text field) left out, as the stored stream keeps it; the flag alone brings it back."""
    for step in schema.get("steps") or ():
        step["fields"] = without_other(step.get("fields") or [])
        for spec in step["fields"]:
            if spec.get("kind") == GROUP:
                spec["fields"] = without_other(spec.get("fields") or [])
    return schema


def designer(request, pk):
    definition = _designable(request, pk)
    draft = current(definition)
    context = {
        "definition": definition,
        "schema": editable(draft.schema),
        "setup": {
            "revision": definition.latest_revision_id,
            "save_url": reverse("forms_designer:save", args=[pk]),
            "publish_url": reverse("forms_designer:publish", args=[pk]),
            "may_publish": POLICY.user_has_permission_for_instance(
                request.user, "publish", definition
            ),
            "kinds": kinds(),
            "with_choices": list(WITH_CHOICES),
            "prefill": registry.prefill_choices(),
            "facts": registry.fact_choices(),
            "other": {"value": OTHER, "label": OTHER_LABEL, "text": OTHER_TEXT_LABEL},
        },
        "text": {key: str(value) for key, value in TEXT.items()},
        "edit_url": reverse("wagtailsnippets_forms_formdefinition:edit", args=[pk]),
        "index_url": reverse("wagtailsnippets_forms_formdefinition:list"),
    }
    return TemplateResponse(request, "forms/admin/designer.html", context)


def _clean_stream(stream):
    """The snippet form's own check of the body: its StreamField blocks' validation."""
    block = FormDefinition._meta.get_field("body").stream_block
    try:
        block.clean(block.to_python(stream))
    except ValidationError as error:
        return error
    return None


def _refused(found: list[dict], status=400) -> JsonResponse:
    return JsonResponse({"saved": False, "errors": found}, status=status)


def save(request, pk):
    if request.method != "POST":
        return JsonResponse({"errors": []}, status=405)
    definition = _designable(request, pk)
    try:
        sent = strict_json.loads(request.body or b"")
        schema, base = sent["schema"], sent.get("revision")
    except (strict_json.Refused, KeyError, TypeError):
        return _refused([_general(_("The questionnaire sent cannot be read: reload the page."))])
    try:
        found = refusals(schema, _clean_stream)
    except (TypeError, AttributeError, ValueError, KeyError):  # a shape the checks missed
        found = [_general(_("The questionnaire sent cannot be read: reload the page."))]
    if found:
        return _refused(found)
    try:
        revision = _save_draft(definition, schema, base, request.user)
    except Refused as refusal:
        return _refused(refusal.found, status=409)
    return JsonResponse({"saved": True, "revision": revision.pk, "message": _saved_message()})


def _save_draft(definition, schema, base, user):
    """A new draft revision holding `schema`, as wagtail's edit view saves one."""
    with transaction.atomic():
        locked = FormDefinition.objects.select_for_update().get(pk=definition.pk)
        newest = locked.latest_revision
        if newest is not None and newest.pk != base:
            who = newest.user.get_full_name() or newest.user.get_username() if newest.user else ""
            when = formats.date_format(timezone.localtime(newest.created_at), "DATETIME_FORMAT")
            raise Refused(
                [
                    _general(
                        _(
                            "%(who)s saved a newer version on %(when)s: nothing was "
                            "overwritten. Reload the designer to see it."
                        )
                        % {"who": who or _("Someone"), "when": when}
                    )
                ]
            )
        if locked.locked and locked.locked_by_id != user.pk:
            raise Refused([_general(_("The questionnaire is locked by another user."))])
        instance = current(locked)
        instance.body = json.dumps(stream_from_schema(schema))
        if not instance.live:
            instance.save()
        return instance.save_revision(user=user, log_action=True, previous_revision=None)


def _general(message: str) -> dict:
    return {"step": None, "field": None, "message": message}


def _saved_message() -> str:
    return _("Draft saved at %s.") % formats.time_format(timezone.localtime(), "H:i")


def publish_view(request, pk):
    if request.method != "POST":
        return JsonResponse({"errors": []}, status=405)
    definition = _designable(request, pk, action="publish")
    try:
        version = publish(definition, user=request.user)
    except PublishRefused as refusal:
        return _refused(refusals_of_problems(refusal.problems, current(definition).schema))
    return JsonResponse(
        {
            "published": True,
            "version": version.number,
            "message": _("Published as version %s.") % version.number,
        }
    )


class NewForm(django_forms.Form):
    title = django_forms.CharField(label=gettext_lazy("Title of the questionnaire"), max_length=200)
    owner = django_forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Owner"), empty_label=None
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


def new(request):
    if not request.user.has_perm("forms.add_formdefinition"):
        raise PermissionDenied
    form = NewForm(request.POST or None, owners=host().owners_for(request.user))
    if request.method == "POST" and form.is_valid():
        title = form.cleaned_data["title"].strip()
        with transaction.atomic():
            definition = FormDefinition(
                title=title,
                slug=unique_slug(FormDefinition, title, fallback="questionario"),
                owner=form.cleaned_data["owner"],
                live=False,
            )
            first = {"key": "passo_1", "title": {"it": str(TEXT["step_n"]) % {"n": 1}, "en": ""}}
            definition.body = json.dumps(stream_from_schema({"steps": [first]}))
            definition.save()
            definition.save_revision(user=request.user, log_action=True)
        return redirect("forms_designer:designer", definition.pk)
    return TemplateResponse(
        request,
        "forms/admin/designer_new.html",
        {"form": form, "index_url": reverse("wagtailsnippets_forms_formdefinition:list")},
    )


urlpatterns = [
    path("designer/new/", new, name="new"),
    path("<int:pk>/designer/", designer, name="designer"),
    path("<int:pk>/designer/save/", save, name="save"),
    path("<int:pk>/designer/publish/", publish_view, name="publish"),
]
