"""Operator pages around the wizard: choose a questionnaire and a person, drafts, submissions."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import registry, visibility
from .host import host
from .models import Draft, FormVersion, Submission
from .rendering import summary
from .wizard import documents_folder


class SubjectForm(django_forms.Form):
    tax_code = django_forms.CharField(
        label=gettext_lazy("Tax code of the person"), max_length=16, strip=True
    )

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = subjects

    def clean_tax_code(self):
        code = self.cleaned_data["tax_code"].upper().replace(" ", "")
        subject = self.subjects.filter(tax_code=code).first()
        if subject is None:
            raise django_forms.ValidationError(
                _("No person with this tax code among the persons you follow.")
            )
        self.subject = subject
        return code


@login_required
def index(request):
    # Only drafts about persons still in the operator's scope; listing them reads their names.
    # A draft about no person is listed while its target still lets the user fill it.
    mine = Draft.objects.filter(owner=request.user).select_related("version__definition", "subject")
    drafts = [
        draft
        for draft in mine.filter(
            Q(subject__in=host().subjects_for(request.user, change=True)) | Q(subject__isnull=True)
        )
        if draft.subject_id is not None
        or registry.may_fill_without_subject(draft.target, draft.target_reference, request.user)
    ]
    for draft in drafts:
        if draft.subject_id is not None:
            host().audit(
                "view", user=request.user, obj=draft, subject=draft.subject, purpose=_("my drafts")
            )
    return render(
        request,
        "forms/index.html",
        {"versions": FormVersion.objects.newest_published(), "drafts": drafts},
    )


@permission_required("forms.add_submission", raise_exception=True)
def start(request, slug):
    version = FormVersion.objects.newest_published().filter(definition__slug=slug).first()
    if version is None:
        raise Http404
    subjects = host().subjects_for(request.user, change=True)
    form = SubjectForm(request.POST or None, subjects=subjects)
    if request.method == "POST" and form.is_valid():
        draft = start_draft(version, form.subject, request.user)
        return redirect("forms:fill", uuid=draft.uuid)
    return render(request, "forms/start.html", {"version": version, "form": form})


def start_draft(
    version: FormVersion, subject, user, *, target: str = "", target_reference: str = ""
) -> Draft:
    """A new wizard about `subject`, prefilled; `target` names what it is filled for.

    `subject` may be None only when the target vouches for the user (a procedure step about
    no person): the standalone wizard always names a person.
    """
    if target and target not in registry.targets:
        raise LookupError(f"Unknown form target {target!r}")
    if subject is None and not registry.may_fill_without_subject(
        target, str(target_reference), user
    ):
        raise PermissionDenied(_("A questionnaire must be about a person."))
    prefill = {}
    # What the sources read: the person, and what the target offers (a procedure's case).
    objects = registry.target_context(target, str(target_reference), user)
    objects[registry.SUBJECT] = subject
    for step in version.compiled.steps:
        for item in step.fields:
            source = registry.prefill_sources.get(item.spec.get("prefill") or "")
            if source is not None and objects.get(source.needs) is not None:
                value = source.resolve(objects[source.needs])
                if value not in (None, "", []):
                    prefill[item.key] = value
    state = {"step": None, "step_data": {}, "step_files": {}, "extra_data": {"prefill": prefill}}
    draft = Draft.objects.create(
        version=version,
        subject=subject,
        owner=user,
        state=state,
        target=target,
        target_reference=str(target_reference),
    )
    if prefill:
        host().audit(
            "view", user=user, obj=draft, subject=subject, purpose=_("questionnaire prefilled")
        )
    return draft


@login_required
@require_POST
def discard(request, uuid):
    get_object_or_404(Draft, uuid=uuid, owner=request.user).delete()
    return redirect("forms:index")


def _submission(request, uuid) -> Submission:
    """A submission the user reads today; anything else is 404."""
    return get_object_or_404(
        visibility.submissions(request.user).select_related(
            "version__definition", "subject", "submitted_by"
        ),
        uuid=uuid,
    )


@login_required
def submission(request, uuid):
    item = _submission(request, uuid)
    host().audit(
        "view",
        user=request.user,
        obj=item,
        subject=item.subject,
        purpose=_("questionnaire answers read"),
    )
    language = request.LANGUAGE_CODE
    context = {
        "submission": item,
        "title": item.version.title_in(language),
        "summary": summary(item.version.compiled, item.answers, language),
        "print_url": host().print_url(item),
    }
    return render(request, "forms/submission.html", context)


@login_required
def document(request, uuid, key):
    """A document uploaded with a submission; only files kept under the same person."""
    item = _submission(request, uuid)
    answer = item.answers.get(key)
    path = answer.get("path", "") if isinstance(answer, dict) else ""
    if not path.startswith(documents_folder(item.subject_id)) or ".." in path:
        raise Http404
    try:
        handle = default_storage.open(path)
    except FileNotFoundError:
        raise Http404 from None
    host().audit(
        "view", user=request.user, obj=item, subject=item.subject, purpose=_("document read")
    )
    response = FileResponse(handle, as_attachment=True, filename=answer.get("name") or "document")
    response["X-Content-Type-Options"] = "nosniff"  # never rendered as a page of this site
    return response
