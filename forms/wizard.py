"""The operator's guided wizard (django-formtools) over a published version, one page per step.

The wizard's state lives in a `Draft` row instead of the session, so an operator can leave
and resume from any device. Steps whose `visible_if` is false are skipped; the last page
reviews every answer; `done()` validates the whole submission once more with the engine.
"""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import WizardView

from . import logic, registry
from .host import host
from .models import Draft, Submission
from .rendering import StepForm, initial_for, summary
from .submitting import save
from .validation import default_answer, validate

REVIEW = "review"


def documents_folder(subject_id) -> str:
    """Where a person's uploaded documents are kept, so a read can be checked against it.

    Documents of questionnaires about no person are kept apart from every person's."""
    if subject_id is None:
        return "form-files/no-person/"
    return f"form-files/{subject_id}/"


class DraftStorage(BaseStorage):
    """formtools storage kept in `Draft.state`; the wizard's prefix is `draft-<uuid>`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = Draft.objects.get(uuid=self.prefix.rsplit("draft-", 1)[1])
        self.data = self.draft.state or {}
        if not self.data:
            self.init_data()

    def update_response(self, response):
        super().update_response(response)
        Draft.objects.filter(pk=self.draft.pk).update(state=self.data)  # none once submitted


class ReviewForm(django_forms.Form):
    confirm = django_forms.BooleanField(
        required=True, label=gettext_lazy("I have checked the answers with the person")
    )


class ReviewWithoutSubjectForm(ReviewForm):
    """The review of a questionnaire about no person (a procedure step about a body)."""

    confirm = django_forms.BooleanField(
        required=True, label=gettext_lazy("I have checked the answers")
    )


class FillWizard(WizardView):
    form_list = [ReviewForm]  # placeholder; the steps come from the draft's version
    storage_name = "forms.wizard.DraftStorage"
    file_storage = default_storage
    template_name = "forms/wizard.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.draft = get_object_or_404(Draft, uuid=kwargs["uuid"], owner=request.user)
        if self.draft.subject_id is None:
            # About no person: what it was started for (a procedure task) decides who fills
            # it, and only while it is still open to the user.
            draft = self.draft
            if not registry.may_fill_without_subject(
                draft.target, draft.target_reference, request.user
            ):
                raise Http404
        else:
            if not request.user.has_perm("forms.add_submission"):
                raise PermissionDenied
            subjects = host().subjects_for(request.user, change=True)
            if not subjects.filter(pk=self.draft.subject_id).exists():
                raise Http404
        self.version = self.draft.version
        self.compiled = self.version.compiled
        self.form_list = {step.key: StepForm for step in self.compiled.steps}
        self.form_list[REVIEW] = ReviewForm if self.draft.subject_id else ReviewWithoutSubjectForm
        self.condition_dict = {
            step.key: self._shown(step.key)
            for step in self.compiled.steps
            if step.visible_if is not None
        }
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs):
        return f"draft-{kwargs['uuid']}"

    # answers kept beside formtools' raw step data

    @property
    def answers(self) -> dict:
        """Raw answers by step key, as each step's form read them."""
        return self.storage.extra_data.setdefault("answers", {})

    def answers_except(self, *steps: str) -> dict:
        merged = dict(self.storage.extra_data.get("prefill", {}))
        for step, values in self.answers.items():
            if step not in steps:
                merged.update(values)
        return merged

    def _shown(self, key: str):
        def condition(wizard) -> bool:
            # Only the steps before this one count: later answers may be stale.
            keys = [step.key for step in wizard.compiled.steps]
            later = keys[keys.index(key) :]
            data = validate(wizard.compiled, wizard.answers_except(*later)).cleaned
            step = wizard.compiled.step_of(key)
            return logic.truthy(logic.evaluate(step.visible_if, data))

        return condition

    # formtools hooks

    def get(self, request, *args, **kwargs):
        """Resume where the draft was left, instead of formtools' restart."""
        if self.storage.current_step is None:
            self.storage.current_step = self.steps.first
        return self.render(self.get_form())

    def post(self, *args, **kwargs):
        if self.request.POST.get("row_action"):  # add or remove a group row: redraw the step
            form = self._read_typed()
            self.answers[self.steps.current] = form.raw_answers()
            return self.render(self._redrawn(form))
        if self.request.POST.get("save_draft"):
            self._keep_typed()
            messages.success(self.request, _("Draft saved. You can resume it from any device."))
            return redirect("forms:drafts")
        if self.request.POST.get("wizard_goto_step"):
            self._keep_typed()  # going back keeps what was typed on this page
        return super().post(*args, **kwargs)

    def _read_typed(self):
        """The current page's form, read without validating."""
        form = self.get_form(data=self.request.POST, files=self.request.FILES)
        form.adjusting = True
        form.is_valid()
        return form

    def _keep_typed(self) -> None:
        if self.steps.current != REVIEW:
            form = self._read_typed()
            self.storage.set_step_data(self.steps.current, self.process_step(form))

    def _redrawn(self, form):
        """The step again, with the row added or removed and the answers kept."""
        step = self.compiled.step_of(self.steps.current)
        return StepForm(
            step=step,
            form=self.compiled,
            context=self.answers_except(step.key),
            prefix=self.get_form_prefix(step.key),
            initial=initial_for(step, form.raw_answers()),
        )

    def get_form_kwargs(self, step=None):
        step = step or self.steps.current
        if step == REVIEW:
            return {}
        return {
            "step": self.compiled.step_of(step),
            "form": self.compiled,
            "context": self.answers_except(step),
        }

    def get_form_initial(self, step):
        if step == REVIEW:
            return {}
        known = {**self.storage.extra_data.get("prefill", {}), **self.answers.get(step, {})}
        # Computed fields show their value from what is known so far (the browser updates it).
        cleaned = validate(self.compiled, {**self.answers_except(), **known}).cleaned
        step_ = self.compiled.step_of(step)
        new = step not in self.answers  # a page never filled in starts from the defaults
        for item in step_.fields:
            if item.computed is not None and item.key in cleaned:
                known[item.key] = cleaned[item.key]
            elif new and known.get(item.key) is None and item.default not in (None, ""):
                # A default in JSON Logic reads what is known, the defaults above it included
                # (as ODK fills them in order when the form opens); today() and now() are the
                # region's time (TIME_ZONE, Europe/Rome), not the server's.
                known[item.key] = cleaned[item.key] = default_answer(
                    item, cleaned, today=timezone.localdate(), now=timezone.localtime()
                )
        return initial_for(step_, known)

    def process_step(self, form):
        if isinstance(form, StepForm):
            answers = form.raw_answers()
            for name, upload in (form.files or {}).items():
                key = name.removeprefix(f"{form.prefix}-")
                # a refused upload (its field has an error) is never kept, not even in a draft
                if key in answers and upload and key not in form.errors:
                    path = default_storage.save(
                        f"{documents_folder(self.draft.subject_id)}{self.draft.uuid}/{upload.name}",
                        upload,
                    )
                    answers[key] = {
                        "name": upload.name,
                        "size": upload.size,
                        "content_type": upload.content_type or "",
                        "path": path,
                    }
            self.answers[self.steps.current] = answers
        return super().process_step(form)

    def process_step_files(self, form):
        return {}  # uploads are saved in process_step; formtools keeps no temporary copy

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        language = self.request.LANGUAGE_CODE
        context.update(
            draft=self.draft,
            version=self.version,
            title=self.version.title_in(language),
            subject=self.draft.subject,
            review=self.steps.current == REVIEW,
            step_titles=[
                (key, self.compiled.step_of(key).title(language) if key != REVIEW else _("Review"))
                for key in self.get_form_list()
            ],
        )
        if self.steps.current == REVIEW:
            result = validate(self.compiled, self.answers_except())
            context["summary"] = summary(self.compiled, result.cleaned, language)
            context["errors"] = result.errors
        else:
            context["logic_data"] = validate(
                self.compiled, self.answers_except(self.steps.current)
            ).cleaned
        return context

    def render_done(self, form, **kwargs):
        # formtools re-validates every step here; the engine validates the whole once.
        return self.done([], **kwargs)

    def done(self, form_list, **kwargs):
        result = validate(self.compiled, self.answers_except())
        if not result.is_valid:
            messages.error(self.request, _("Some answers need fixing before submitting."))
            self.storage.current_step = REVIEW
            return self.render(self.get_form(REVIEW))
        try:
            with transaction.atomic():
                submission = save(
                    self.version,
                    self.draft.subject,
                    result.cleaned,
                    user=self.request.user,
                    channel=Submission.Channel.WEB,
                    started_at=self.draft.created_at,
                )
                next_url = None
                if self.draft.target:
                    target = registry.targets[self.draft.target]
                    next_url = target.attach(
                        submission, self.draft.target_reference, self.request.user
                    )
                self.draft.delete()
        except ValidationError as refusal:
            # The record the form was filled for refused it: nothing is saved, the draft stays.
            messages.error(self.request, " ".join(refusal.messages))
            self.storage.current_step = REVIEW
            return self.render(self.get_form(REVIEW))
        messages.success(self.request, _("Questionnaire submitted."))
        return redirect(next_url or reverse("forms:submission", kwargs={"uuid": submission.uuid}))
