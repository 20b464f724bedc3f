"""A zone variant beside its template: what differs, and taking in the template's new version
by a three-way merge where a conflict is decided, never overwritten.

Shared by questionnaires and procedures (`workflows.admin_views` passes its own `Kind`). Only
those who may edit the variant see these pages (the edit view's owner policy); they read the
regional template through it. Anything else is 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .merge import OURS, THEIRS, merge
from .slugs import unique_slug
from .variant_diff import changed_details, compare, describe, names_of


@dataclass(frozen=True)
class Kind:
    model: type
    stream: Callable  # content -> the body's raw stream
    edit_url: str
    list_url: str
    tools: str  # the URL namespace of the extra pages
    icon: str
    copied: tuple[str, ...] = ("title", "title_en", "description")  # what a variant inherits
    procedure: bool = False  # its steps are "fasi" (a questionnaire's are "sezioni")


def owned_variant(request, kind: Kind, pk: int):
    """The variant `pk` if the user may edit it (as the edit view decides), else 404."""
    from .admin import OwnerPermissionPolicy

    definition = kind.model.objects.select_related("based_on").filter(pk=pk).first()
    if definition is None or definition.based_on_id is None:
        raise Http404
    policy = OwnerPermissionPolicy(kind.model)
    if not policy.user_has_permission_for_instance(request.user, "change", definition):
        raise Http404
    return definition


def _draft(definition):
    """The definition as last saved in the editor (a draft may be newer than the live copy)."""
    return definition.get_latest_revision_as_object()


def _base(kind: Kind, definition) -> tuple[dict, object]:
    """The template content the variant adapted, and its version (None: never published)."""
    version = definition.based_on_version
    if version is not None:
        return version.content, version
    return _draft(definition.based_on).version_content(), None


def differences(request, kind: Kind, pk: int):
    definition = owned_variant(request, kind, pk)
    draft = _draft(definition)
    template_content, version = _base(kind, definition)
    return TemplateResponse(
        request,
        "definitions/admin/variant_differences.html",
        {
            "definition": definition,
            "template": definition.based_on,
            "version": version,
            "rows": compare(template_content, draft.version_content(), procedure=kind.procedure),
            "update": definition.template_update,
            "merge_url": reverse(f"{kind.tools}:merge", args=[pk]),
            "edit_url": reverse(kind.edit_url, args=[pk]),
            "icon": kind.icon,
        },
    )


def merge_view(request, kind: Kind, pk: int):
    definition = owned_variant(request, kind, pk)
    edit_url = reverse(kind.edit_url, args=[pk])
    update = definition.template_update
    if update is None:
        messages.info(request, _("The variant already follows the template's newest version."))
        return redirect(reverse(f"{kind.tools}:differences", args=[pk]))
    draft = _draft(definition)
    revision = definition.latest_revision
    # Without a version it was based on (a template never published then), nothing is
    # taken as agreed: whatever the two sides hold differently is a conflict to decide.
    base = definition.based_on_version.content if definition.based_on_version else {}
    theirs, ours = update.content, draft.version_content()
    result = merge(base, theirs, ours)
    names = names_of(base, theirs, ours)
    conflicts = [_conflict_row(conflict, names) for conflict in result.conflicts]
    errors = []
    if request.method == "POST":
        stale = request.POST.get("revision") != str(getattr(revision, "pk", "")) or (
            request.POST.get("version") != str(update.pk)
        )
        choices = {row["id"]: request.POST.get(f"choice-{row['id']}") for row in conflicts}
        for row in conflicts:
            row["chosen"] = choices[row["id"]]
        if stale:
            errors.append(
                _("The variant or the template changed meanwhile: review the merge again.")
            )
        elif any(choice not in (OURS, THEIRS) for choice in choices.values()):
            errors.append(_("Choose, for each conflict, the variant's or the template's side."))
        else:
            _save(kind, definition, result.resolve(choices), update, request.user)
            messages.success(
                request,
                _("The template's version %(number)s is merged into the draft: check and publish.")
                % {"number": update.number},
            )
            return redirect(edit_url)
    return TemplateResponse(
        request,
        "definitions/admin/variant_merge.html",
        {
            "definition": definition,
            "template": definition.based_on,
            "base_version": definition.based_on_version,
            "update": update,
            "template_rows": compare(base, theirs, procedure=kind.procedure),
            "variant_rows": compare(base, ours, procedure=kind.procedure),
            "conflicts": conflicts,
            "conflict_ids": {row["id"] for row in conflicts},
            "errors": errors,
            "revision": revision,
            "edit_url": edit_url,
            "differences_url": reverse(f"{kind.tools}:differences", args=[pk]),
            "icon": kind.icon,
            "OURS": OURS,
            "THEIRS": THEIRS,
        },
        status=400 if errors else 200,
    )


def _conflict_row(conflict, names) -> dict:
    name = names.get((conflict.what, conflict.key)) or conflict.key
    if conflict.ours is None or conflict.theirs is None:
        # removed on one side: what the other side holds, in its column
        present = conflict.theirs if conflict.ours is None else conflict.ours
        details = [
            (attribute, text, "") if conflict.ours is None else (attribute, "", text)
            for attribute, _empty, text in describe(present, names)
        ]
    else:
        details = changed_details(conflict.theirs, conflict.ours, names)
    return {
        "id": conflict.id,
        "what": conflict.what,
        "name": name,
        # (attribute, the template's new version, the variant)
        "details": details,
        "theirs_removed": conflict.theirs is None,
        "ours_removed": conflict.ours is None,
        "chosen": None,
    }


def _save(kind: Kind, definition, content: dict, version, user) -> None:
    """The merged content as the variant's new draft revision, now based on `version`."""
    with transaction.atomic():
        draft = _draft(type(definition).objects.select_for_update().get(pk=definition.pk))
        draft.body = json.dumps(kind.stream(content))
        draft.based_on_version = version
        if not draft.live:
            draft.save()
        else:
            type(definition).objects.filter(pk=definition.pk).update(based_on_version=version)
        draft.save_revision(user=user, log_action=True)


def mark_reviewed(definition, version) -> None:
    """Record that the variant follows `version`, in its row and in its draft revision (which
    the editor saves from: updating the row only would be undone by the next save)."""
    with transaction.atomic():
        type(definition).objects.filter(pk=definition.pk).update(based_on_version=version)
        revision = definition.latest_revision
        if revision is not None:
            revision.content["based_on_version"] = version.pk
            revision.save(update_fields=["content"])


# --- creating a variant ------------------------------------------------------------------------


class VariantForm(django_forms.Form):
    owner = django_forms.ModelChoiceField(queryset=None, label=gettext_lazy("owner"))
    # Written from the template's and the zone's names; only a script sends one of its own.
    slug = django_forms.SlugField(required=False, widget=django_forms.HiddenInput)

    def __init__(self, *args, owners, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.fields["owner"].queryset = owners

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and self.model.objects.filter(slug=slug).exists():
            raise django_forms.ValidationError(_("“%s” is taken by another definition.") % slug)
        return slug


def create_variant(kind: Kind, template, *, owner, user, slug: str = ""):
    """A draft copy of what the template published (of its draft, if never published), owned
    by `owner`, linked to the template and to the version it copied."""
    published = template.latest_version
    source = _draft(template)
    content = published.content if published else source.version_content()
    copy = kind.model(
        slug=slug or unique_slug(kind.model, f"{template.slug} {owner}", fallback="variante"),
        owner=owner,
        based_on=template,
        based_on_version=published,
        body=json.dumps(kind.stream(content)),
        live=False,
        **{name: getattr(source, name) for name in kind.copied},
    )
    with transaction.atomic():  # the definition and its first revision, or nothing
        copy.save()
        copy.save_revision(user=user)
    return copy


def variant_view(request, kind: Kind, pk: int):
    """ "Create a zone variant" of the template `pk`: the user chooses the zone, nothing else."""
    from .admin import viewable

    template = viewable(request, kind.model, pk)
    opts = kind.model._meta
    if template.based_on_id is not None or not request.user.has_perm(
        f"{opts.app_label}.add_{opts.model_name}"
    ):
        raise PermissionDenied
    form = VariantForm(request.POST or None, owners=variant_owners(request.user), model=kind.model)
    if request.method == "POST" and form.is_valid():
        copy = create_variant(
            kind,
            template,
            owner=form.cleaned_data["owner"],
            user=request.user,
            slug=form.cleaned_data["slug"],
        )
        return after_variant_created(request, copy, kind.edit_url, kind.list_url)
    return TemplateResponse(
        request,
        "definitions/admin/variant.html",
        {
            "form": form,
            "title": _("Create a zone variant"),
            "definition": template,
            "icon": kind.icon,
        },
    )


# --- the buttons that lead here, in plain sight (not in the "…" menu) -------------------------


def variant_owners(user):
    """The owners `user` may create a zone variant for (the host decides)."""
    from .host import host

    owners_for = getattr(host(), "variant_owners_for", None) or host().owners_for
    return owners_for(user)


def after_variant_created(request, copy, edit_url: str, list_url: str):
    """To the new variant's editor, or, when its zone is not the user's (a regional
    administrator preparing a zone's variant), back to the list, saying who takes it on."""
    from .admin import OwnerPermissionPolicy

    if OwnerPermissionPolicy(type(copy)).user_has_permission_for_instance(
        request.user, "change", copy
    ):
        messages.success(request, _("Zone variant created as a draft."))
        return redirect(edit_url, copy.pk)
    messages.success(
        request,
        _("Zone variant created as a draft for %(owner)s: its administrators edit and publish it.")
        % {"owner": copy.owner},
    )
    return redirect(list_url)


def may_create_variant(user, definition, model) -> bool:
    """A template (not a variant) and a user who may create definitions for some owner: a zone
    administrator for the zone, a regional administrator choosing the zone."""
    opts = model._meta
    return (
        definition.based_on_id is None
        and user.has_perm(f"{opts.app_label}.add_{opts.model_name}")
        and variant_owners(user).exists()
    )


class VariantHeaderButtons:
    """On the edit header: a template offers "Create a zone variant"; a variant its
    differences, and the merge when the template has published a newer version."""

    variant_tools = ""  # the URL namespace of the variant pages

    @property
    def header_buttons(self):
        from wagtail.admin.widgets.button import HeaderButton

        buttons = list(super().header_buttons)
        definition, tools = self.object, self.variant_tools
        if definition.based_on_id is not None:
            buttons.append(
                HeaderButton(
                    _("Differences from the template"),
                    url=reverse(f"{tools}:differences", args=[definition.pk]),
                    icon_name="list-ul",
                    classname="button-secondary",
                    priority=20,
                )
            )
            update = definition.template_update
            if update is not None:
                buttons.append(
                    HeaderButton(
                        _("Update from the new template"),
                        url=reverse(f"{tools}:merge", args=[definition.pk]),
                        icon_name="resubmit",
                        priority=21,
                    )
                )
        elif may_create_variant(self.request.user, definition, self.model):
            buttons.append(
                HeaderButton(
                    _("Create a zone variant"),
                    url=reverse(f"{tools}:variant", args=[definition.pk]),
                    icon_name="copy",
                    priority=20,
                )
            )
        return buttons


class VariantListButtons:
    """The same actions as row buttons of the index."""

    variant_tools = ""

    # Asked once per page, not once per row: the answers depend on the user only.
    @cached_property
    def _may_create_variants(self) -> bool:
        template = self.model(based_on_id=None)
        return may_create_variant(self.request.user, template, self.model)

    @cached_property
    def _editable_ids(self) -> set:
        editable = self.permission_policy.instances_user_has_permission_for(
            self.request.user, "change"
        )
        return set(editable.values_list("pk", flat=True))

    def get_list_buttons(self, instance):
        from wagtail.admin.widgets.button import ListingButton

        buttons = list(super().get_list_buttons(instance))
        tools = self.variant_tools
        if instance.based_on_id is None:
            if self._may_create_variants:
                url = reverse(f"{tools}:variant", args=[instance.pk])
                buttons.append(
                    ListingButton(
                        _("Create a zone variant"),
                        url=url,
                        icon_name="copy",
                        priority=30,
                        attrs={"aria-label": _("Create a zone variant of “%s”") % instance},
                    )
                )
        elif instance.pk in self._editable_ids:
            url = reverse(f"{tools}:differences", args=[instance.pk])
            buttons.append(
                ListingButton(
                    _("Differences from the template"),
                    url=url,
                    icon_name="list-ul",
                    priority=30,
                    attrs={"aria-label": _("Differences of “%s” from the template") % instance},
                )
            )
        return buttons
