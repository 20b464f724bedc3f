"""Wagtail admin for municipal data imports: runs (start, follow, resume, roll back, the
rejected rows), mapping profiles (edit, export, import as JSON), the review of suspected
duplicates and of the transfers of residence held by the registry.

Runs and suspicions hold personal data: every queryset comes through `imports.scoping` and
every read of rejected rows or of a pair of records is written to the audit log. The work
itself is done by `runs`, `tasks` and `duplicates`; these views are the thin shell.
"""

from __future__ import annotations

import pathlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Value, When
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.admin.widgets.button import HeaderButton, MenuItem

from siso_platform.audit import log as audit
from siso_platform.people.models import HouseholdMembership, Person
from siso_platform.uploads import ImportFileField

from . import duplicates, profiles_io, rejected, runs, tasks, transfers
from .formats import FORMATS
from .models import (
    WORKING,
    DuplicateSuspicion,
    ImportRun,
    MappingProfile,
    RunStatus,
    Source,
    SuspicionStatus,
    Transfer,
    TransferStatus,
)
from .scoping import municipalities_for, runs_for, suspicions_for

RUNS_PER_PAGE = 50
REJECTED_SHOWN = 200
SUSPICIONS_PER_PAGE = 50
# The run page asks for news this often while the run is waiting or running.
POLL_MILLISECONDS = 2000


def formats_shown(source: str = "") -> list[dict]:
    """The canonical formats for `imports/admin/_formats.html`, the one of `source` open."""
    return [{"fmt": fmt, "open": fmt.name == source} for fmt in FORMATS.values()]


def _require(request, *permissions: str) -> None:
    if not all(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied


# --------------------------------------------------------------------------- runs


class NewImportForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("source"), choices=Source.choices)
    municipality = forms.ModelChoiceField(queryset=None, label=gettext_lazy("municipality"))
    profile = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("mapping profile"),
        help_text=gettext_lazy(
            "How the municipality writes the file; leave empty for the canonical format."
        ),
    )
    reference_date = forms.DateField(
        label=gettext_lazy("reference date"),
        widget=AdminDateInput,
        help_text=gettext_lazy("The date the municipality extracted the data."),
    )
    # a CSV recognised by its content, within SISO_IMPORT_MAX_MB; kept in private storage
    file = ImportFileField(label=gettext_lazy("file"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = municipalities_for(user)
        self.fields["municipality"].queryset = municipalities
        self.fields["profile"].queryset = MappingProfile.objects.filter(
            municipality__isnull=True
        ) | MappingProfile.objects.filter(municipality__in=municipalities.values("pk"))
        self.initial.setdefault("reference_date", timezone.localdate())
        only = list(municipalities[:2])
        if len(only) == 1:
            self.initial.setdefault("municipality", only[0].pk)

    def clean(self):
        cleaned = super().clean()
        profile, source = cleaned.get("profile"), cleaned.get("source")
        if profile is not None and source and profile.source != source:
            self.add_error(
                "profile",
                _("This profile is for the %(profile_source)s source, not %(source)s.")
                % {
                    "profile_source": profile.get_source_display(),
                    "source": Source(source).label,
                },
            )
        municipality = cleaned.get("municipality")
        tied = profile is not None and profile.municipality_id is not None
        if tied and municipality and profile.municipality_id != municipality.pk:
            self.add_error(
                "profile",
                _("This profile is for the files of %(municipality)s.")
                % {"municipality": profile.municipality},
            )
        return cleaned


def run_index(request):
    _require(request, "imports.view_importrun")
    queryset = runs_for(request.user).select_related("municipality", "started_by")
    status = request.GET.get("status", "")
    if status in RunStatus.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset.order_by("-created_at", "-pk"), RUNS_PER_PAGE).get_page(
        request.GET.get("p")
    )
    return TemplateResponse(
        request,
        "imports/admin/run_index.html",
        {
            "page": page,
            "status": status,
            "statuses": RunStatus.choices,
            "can_add": request.user.has_perm("imports.add_importrun"),
        },
    )


def new_import(request):
    _require(request, "imports.add_importrun")
    form = NewImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            run = runs.create(
                source=data["source"],
                municipality=data["municipality"],
                file=upload,
                file_name=pathlib.PurePath(upload.name).name,
                reference_date=data["reference_date"],
                profile=data["profile"],
                user=request.user,
            )
        except runs.RunRefused as error:
            form.add_error(None, str(error))
        else:
            tasks.execute_run.enqueue(run.pk)
            return redirect("import_runs:detail", run.pk)
    return TemplateResponse(
        request,
        "imports/admin/new_import.html",
        {"form": form, "formats": formats_shown()},
    )


def _scoped_run(request, pk) -> ImportRun:
    _require(request, "imports.view_importrun")
    return get_object_or_404(
        runs_for(request.user).select_related("municipality", "profile", "started_by"), pk=pk
    )


def _can_resume(run: ImportRun) -> bool:
    return run.status == RunStatus.FAILED or (run.status == RunStatus.RUNNING and run.interrupted)


def _can_roll_back(run: ImportRun) -> bool:
    """Not rolled back, and no live process at work on it (a stopped rollback resumes)."""
    return run.status != RunStatus.ROLLED_BACK and (run.status not in WORKING or run.interrupted)


def _following(run: ImportRun) -> bool:
    """Whether the page should keep asking for news of the run."""
    return run.status in (RunStatus.PENDING, *WORKING) and not run.interrupted


def run_detail(request, pk):
    run = _scoped_run(request, pk)
    shown = list(run.rejected_rows.order_by("row_number")[:REJECTED_SHOWN])
    if shown:
        # The rejected rows are what the file said about people: a read of personal data.
        audit.record(
            "view",
            actor=request.user,
            obj=run,
            purpose=_("rejected rows of an import"),
            detail={"rows": len(shown)},
        )
    can_import = request.user.has_perm("imports.add_importrun")
    return TemplateResponse(
        request,
        "imports/admin/run_detail.html",
        {
            "run": run,
            "rejected": shown,
            "more_rejected": run.rows_rejected > len(shown),
            "following": _following(run),
            "poll_ms": POLL_MILLISECONDS,
            "can_resume": can_import and _can_resume(run),
            "can_roll_back": can_import and _can_roll_back(run),
            "transfers_url": reverse("import_transfers:index") + f"?run={run.pk}",
        },
    )


def run_status(request, pk):
    """The run's progress for the page following it (no personal data)."""
    run = _scoped_run(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": str(run.status_label),
            "interrupted": run.interrupted,
            "progress": run.progress,
            "rows_read": run.rows_read,
            "inserted": run.rows_inserted,
            "updated": run.rows_updated,
            "unchanged": run.rows_unchanged,
            "rejected": run.rows_rejected,
            "held": run.rows_held,
            "following": _following(run),
        }
    )


def rejected_file_name(run: ImportRun) -> str:
    stem = pathlib.PurePath(run.file_name).stem or "import"
    return f"{stem}-scartate.csv"


def rejected_csv(request, pk):
    run = _scoped_run(request, pk)
    audit.record(
        "export",
        actor=request.user,
        obj=run,
        purpose=_("rejected rows of an import"),
        detail={"rows": run.rows_rejected},
    )
    encoding = run.file_dialect.encoding
    response = StreamingHttpResponse(
        rejected.encoded(run), content_type=f"text/csv; charset={encoding}"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=rejected_file_name(run)
    )
    return response


@require_POST
def resume(request, pk):
    _require(request, "imports.add_importrun")
    run = _scoped_run(request, pk)
    if not _can_resume(run):
        messages.error(request, _("Only a failed or interrupted run can be resumed."))
    else:
        tasks.execute_run.enqueue(run.pk)
        messages.success(request, _("The run starts again where it stopped."))
    return redirect("import_runs:detail", run.pk)


def roll_back(request, pk):
    _require(request, "imports.add_importrun")
    run = _scoped_run(request, pk)
    if request.method == "POST":
        # Only marked here; a task undoes it, however large, and the run page follows it.
        try:
            run = runs.request_roll_back(run, user=request.user)
        except runs.RunRefused as error:
            messages.error(request, str(error))
        else:
            tasks.roll_back_run.enqueue(run.pk)
            messages.success(request, _("The rollback has started: this page shows its progress."))
        return redirect("import_runs:detail", run.pk)
    return TemplateResponse(request, "imports/admin/roll_back.html", {"run": run})


run_urlpatterns = [
    path("", run_index, name="index"),
    path("new/", new_import, name="new"),
    path("<int:pk>/", run_detail, name="detail"),
    path("<int:pk>/status.json", run_status, name="status"),
    path("<int:pk>/rejected.csv", rejected_csv, name="rejected"),
    path("<int:pk>/resume/", resume, name="resume"),
    path("<int:pk>/roll-back/", roll_back, name="roll_back"),
]


# --------------------------------------------------------------------------- profiles


class MappingProfileForm(WagtailAdminModelForm):
    """The profile with its columns; each column is checked against the chosen source."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ColumnMapping.clean reads its profile's source; a new row has no profile yet and a
        # stored one the old source. Give every row this form's instance, which holds the
        # chosen source by the time the rows are checked (after the profile's own fields).
        for form in self.formsets["columns"].forms:
            form.instance.profile = self.instance


class FormatsPanel(HelpPanel):
    """The canonical columns of each source, so that the administrator knows what to map."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "imports/admin/formats_panel.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["formats"] = formats_shown(getattr(self.instance, "source", "") or "")
            return context


class ProfileIndexView(ModelViewSet.index_view_class):
    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                _("Export"),
                reverse("mapping_profiles:export", args=[instance.pk]),
                icon_name="download",
                priority=50,
            ),
        ]

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(
                HeaderButton(
                    _("Import"), url=reverse("mapping_profiles:import"), icon_name="upload"
                )
            )
        return buttons


class ProfileEditView(ModelViewSet.edit_view_class):
    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            HeaderButton(
                _("Export"),
                url=reverse("mapping_profiles:export", args=[self.object.pk]),
                icon_name="download",
            ),
        ]


def export_profile(request, pk):
    _require(request, "imports.view_mappingprofile")
    profile = get_object_or_404(MappingProfile, pk=pk)
    response = HttpResponse(profiles_io.dumps(profile), content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{profile.name}.json"
    )
    return response


class ProfileImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("file"),
        help_text=gettext_lazy(
            "A mapping profile exported as JSON. A profile with the same name is replaced."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.document = profiles_io.read(upload.read())
        except profiles_io.ProfileFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


def import_profile(request):
    _require(request, "imports.add_mappingprofile")
    form = ProfileImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name = form.document["name"]
        if MappingProfile.objects.filter(name=name).exists() and not request.user.has_perm(
            "imports.change_mappingprofile"
        ):
            raise PermissionDenied
        try:
            profile, created = profiles_io.save(form.document)
        except profiles_io.ProfileFileError as error:
            form.add_error("file", str(error))
        else:
            if created:
                messages.success(request, _("Mapping profile “%s” created.") % profile)
            else:
                messages.success(request, _("Mapping profile “%s” replaced.") % profile)
            return redirect("mapping_profiles:edit", profile.pk)
    return TemplateResponse(
        request,
        "imports/admin/file_form.html",
        {"form": form, "title": _("Import a mapping profile"), "icon": "upload"},
    )


class MappingProfileViewSet(ModelViewSet):
    model = MappingProfile
    icon = "table"
    menu_label = gettext_lazy("Mapping profiles")
    url_prefix = "imports/profiles"
    copy_view_enabled = False  # a copy would lose the columns
    list_display = ["name", "source", "municipality", "encoding", "delimiter", "updated_at"]
    list_filter = ["source"]
    search_fields = ["name"]
    index_view_class = ProfileIndexView
    edit_view_class = ProfileEditView
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("source"),
            FieldPanel("municipality"),
            MultiFieldPanel(
                [
                    FieldPanel("encoding"),
                    FieldPanel("delimiter"),
                    FieldPanel("date_format"),
                    FieldPanel("decimal_separator"),
                    FieldPanel("thousands_separator"),
                ],
                heading=gettext_lazy("How the file is written"),
            ),
            FormatsPanel(heading=gettext_lazy("Canonical columns")),
            InlinePanel(
                "columns",
                heading=gettext_lazy("Columns"),
                label=gettext_lazy("Column"),
                panels=[FieldPanel("field"), FieldPanel("column"), FieldPanel("codes")],
            ),
        ],
        base_form_class=MappingProfileForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/export/", export_profile, name="export"),
            path("import/", import_profile, name="import"),
        ]


# --------------------------------------------------------------------------- duplicates


def _persons_of(suspicions) -> list[int]:
    return sorted({pk for s in suspicions for pk in (s.person_id, s.other_id) if pk})


def suspicion_index(request):
    _require(request, "imports.view_duplicatesuspicion")
    queryset = suspicions_for(request.user).select_related("person", "other", "run")
    status = request.GET.get("status", "")
    if status in SuspicionStatus.values:
        queryset = queryset.filter(status=status)
    # Open ones first: they are the work to do.
    queryset = queryset.annotate(
        is_open=Case(
            When(status=SuspicionStatus.OPEN, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).order_by("-is_open", "-created_at", "-pk")
    page = Paginator(queryset, SUSPICIONS_PER_PAGE).get_page(request.GET.get("p"))
    audit.record_for_persons(
        "view",
        actor=request.user,
        obj=DuplicateSuspicion._meta.label_lower,
        persons=_persons_of(page.object_list),
        purpose=_("duplicate review queue"),
    )
    return TemplateResponse(
        request,
        "imports/admin/suspicion_index.html",
        {"page": page, "status": status, "statuses": SuspicionStatus.choices},
    )


# The rows of the side-by-side comparison of two records.
COMPARED = (
    ("last_name", gettext_lazy("Last name")),
    ("first_name", gettext_lazy("First name")),
    ("tax_code", gettext_lazy("Tax code")),
    ("sex", gettext_lazy("Sex")),
    ("born", gettext_lazy("Born")),
    ("address", gettext_lazy("Address")),
    ("municipality", gettext_lazy("Municipality of residence")),
    ("household", gettext_lazy("Current household")),
    ("facts", gettext_lazy("Facts")),
    ("casework", gettext_lazy("Casework records")),
    ("created", gettext_lazy("Record created")),
)


def _described(person: Person) -> dict[str, str]:
    """What the reviewer needs to tell two records apart, as text."""
    membership = (
        HouseholdMembership.objects.current()
        .filter(person=person)
        .select_related("household")
        .first()
    )
    casework = []
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label != "casework" or relation.many_to_many:
            continue
        count = model._base_manager.filter(**{relation.field.name: person}).count()
        if count:
            casework.append((model._meta.verbose_name_plural, count))
    tax_code = person.tax_code
    if person.provisional_tax_code:
        tax_code += " " + _("(provisional)")
    household = "—"
    if membership is not None:
        household = _("%(code)s (%(relation)s, since %(date)s)") % {
            "code": membership.household.code,
            "relation": membership.get_relation_display(),
            "date": date_format(membership.valid_from, "d/m/Y"),
        }
    return {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "tax_code": tax_code,
        "sex": str(person.get_sex_display()),
        "born": ", ".join(
            part for part in (date_format(person.birth_date, "d/m/Y"), person.birth_place) if part
        ),
        "address": person.address or "—",
        "municipality": person.residence_municipality.name
        if person.residence_municipality
        else "—",
        "household": household,
        "facts": str(person.facts.count()),
        "casework": "{} ({})".format(
            sum(count for _label, count in casework),
            ", ".join(f"{label}: {count}" for label, count in casework),
        )
        if casework
        else "0",
        "created": date_format(person.created_at, "d/m/Y"),
    }


def _merged(record: dict | None) -> dict[str, str]:
    """The absorbed record kept by a merge (a few of its fields, as stored)."""
    record = record or {}
    return {
        key: str(record.get(key) or "")
        for key in ("last_name", "first_name", "tax_code", "address")
    } | {"born": str(record.get("birth_date") or "")}


def comparison(left: dict | None, right: dict | None) -> list[dict]:
    left, right = left or {}, right or {}
    return [
        {
            "label": label,
            "left": left.get(key, ""),
            "right": right.get(key, ""),
            "differs": key in left and key in right and left[key] != right[key],
        }
        for key, label in COMPARED
    ]


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note on the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Optional: why the records are, or are not, one person."),
    )


def suspicion_review(request, pk):
    _require(request, "imports.view_duplicatesuspicion")
    suspicion = get_object_or_404(
        suspicions_for(request.user).select_related(
            "person__residence_municipality", "other__residence_municipality", "run"
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        _require(request, "imports.change_duplicatesuspicion")
        decision = request.POST.get("decision", "")
        if form.is_valid() and decision in ("keep-person", "keep-other", "dismiss"):
            note = form.cleaned_data["note"]
            try:
                if decision == "dismiss":
                    duplicates.dismiss(suspicion, user=request.user, note=note)
                    messages.success(request, _("Marked as not a duplicate."))
                else:
                    keep = suspicion.person if decision == "keep-person" else suspicion.other
                    if keep is None:
                        raise duplicates.DecisionRefused(_("Keep one of the two records."))
                    duplicates.merge(suspicion, keep=keep, user=request.user, note=note)
                    messages.success(
                        request, _("The records are merged into %(person)s.") % {"person": keep}
                    )
            except duplicates.DecisionRefused as error:
                messages.error(request, str(error))
                return redirect("import_duplicates:review", suspicion.pk)
            return redirect("import_duplicates:index")
        messages.error(request, _("Choose one of the decisions."))
        return redirect("import_duplicates:review", suspicion.pk)
    persons = [p for p in (suspicion.person, suspicion.other) if p is not None]
    for person in persons:
        audit.record(
            "view",
            actor=request.user,
            obj=person,
            person=person,
            purpose=_("duplicate review"),
            detail={"suspicion": suspicion.pk},
        )
    left = _described(suspicion.person) if suspicion.person else None
    if suspicion.other:
        right = _described(suspicion.other)
    elif suspicion.merged_record:
        right = _merged(suspicion.merged_record)
    else:
        right = None
    is_open = suspicion.status == SuspicionStatus.OPEN
    return TemplateResponse(
        request,
        "imports/admin/suspicion_review.html",
        {
            "suspicion": suspicion,
            "rows": comparison(left, right),
            "has_left": left is not None,
            "has_right": suspicion.other is not None,
            "form": form,
            "can_decide": is_open and request.user.has_perm("imports.change_duplicatesuspicion"),
        },
    )


duplicate_urlpatterns = [
    path("", suspicion_index, name="index"),
    path("<int:pk>/", suspicion_review, name="review"),
]


# --------------------------------------------------------------------------- transfers

TRANSFERS_PER_PAGE = 50


def _scoped_transfers(request):
    _require(request, "imports.view_importrun")
    return transfers.for_user(request.user).select_related(
        "person", "from_municipality", "to_municipality", "run", "decided_by"
    )


def transfer_index(request):
    queryset = _scoped_transfers(request)
    status = request.GET.get("status", "")
    if status in TransferStatus.values:
        queryset = queryset.filter(status=status)
    run = request.GET.get("run", "")
    if run.isdigit():
        queryset = queryset.filter(run_id=int(run))
    page = Paginator(queryset.order_by("-created_at", "-pk"), TRANSFERS_PER_PAGE).get_page(
        request.GET.get("p")
    )
    audit.record_for_persons(
        "view",
        actor=request.user,
        obj=Transfer._meta.label_lower,
        persons=sorted({t.person_id for t in page.object_list}),
        purpose=_("registry transfer review"),
    )
    return TemplateResponse(
        request,
        "imports/admin/transfer_index.html",
        {"page": page, "status": status, "statuses": TransferStatus.choices},
    )


def transfer_review(request, pk):
    transfer = get_object_or_404(_scoped_transfers(request), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if form.is_valid() and decision in ("confirm", "reject"):
            note = form.cleaned_data["note"]
            try:
                if decision == "confirm":
                    transfers.confirm(transfer, user=request.user, note=note)
                    messages.success(request, _("The transfer is completed."))
                else:
                    transfers.reject(transfer, user=request.user, note=note)
                    messages.success(request, _("The transfer is rejected."))
            except transfers.TransferRefused as error:
                messages.error(request, str(error))
            return redirect("import_transfers:review", transfer.pk)
        messages.error(request, _("Choose one of the decisions."))
        return redirect("import_transfers:review", transfer.pk)
    audit.record(
        "view",
        actor=request.user,
        obj=transfer,
        person=transfer.person_id,
        purpose=_("registry transfer review"),
    )
    names = dict(transfers.CANONICAL_HEADER.positions)
    return TemplateResponse(
        request,
        "imports/admin/transfer_review.html",
        {
            "transfer": transfer,
            "values": [(name, transfer.values.get(name) or "") for name in names],
            "can_decide": transfers.can_decide(request.user, transfer),
        },
    )


transfer_urlpatterns = [
    path("", transfer_index, name="index"),
    path("<int:pk>/", transfer_review, name="review"),
]
