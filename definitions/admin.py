"""The wagtail admin's pieces every kind of definition shares: owner-limited editing, the
title that writes the slug, and the publish check on the editor's Publish button."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, TitleFieldPanel
from wagtail.admin.widgets.slug import SlugInput
from wagtail.permission_policies import ModelPermissionPolicy

from .host import host

EDITING = ("change", "publish", "delete", "lock", "unlock")


def title_and_slug() -> list:
    """The title, and the slug written from it while it is typed: nobody has to type a slug."""
    return [TitleFieldPanel("title"), FieldPanel("slug", widget=SlugInput)]


class OwnerPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, and editing only the definitions of an owner the user administers."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action in EDITING and not user.is_superuser:
            return host().owners_for(user).filter(pk=instance.owner_id).exists()
        return True

    def instances_user_has_permission_for(self, user, action):
        objects = super().instances_user_has_permission_for(user, action)
        if action in EDITING and not user.is_superuser:
            objects = objects.filter(owner__in=host().owners_for(user))
        return objects


class OwnedDefinitionForm:
    """Editing a definition: owners limited to the user's, templates offered as `based_on`,
    and publishing refused while the content fails its checks (`publish_problems`)."""

    refusal = gettext_lazy("It cannot be published: %s")

    def add_publish_errors(self, form, found) -> None:
        for problem in found:
            form.add_error("body", str(problem))

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.view_name == "create":
            # wagtail's autosave would create the definition from the half-filled form while
            # it is being typed, and the explicit save then clashes with its slug: nothing is
            # stored before the editor's own save, checked whole.
            self.autosave_enabled = False

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if "owner" in form.fields:
            form.fields["owner"].queryset = host().owners_for(self.request.user)
        if "based_on" in form.fields:
            form.fields["based_on"].queryset = self.model.objects.filter(based_on=None)
        return form

    def is_valid(self, form):
        if self.view_name == "create" and self.expects_json_response:
            # An autosave from a page opened before autosave was turned off here.
            self.produced_error_code = "validation_error"
            self.produced_error_message = _("Save it with the Save button first.")
            return False
        valid = super().is_valid(form)
        if valid and self.action == "publish":
            found = form.instance.publish_problems()
            if found:
                self.add_publish_errors(form, found)
                self.produced_error_code = "validation_error"
                self.produced_error_message = self.refusal % (
                    "; ".join(str(problem) for problem in found)
                )
                return False
        return valid


class OwnerCheckedEdit:
    def get_object(self, queryset=None):
        definition = super().get_object(queryset)
        # wagtail checks the model permission; the owner decides on this very definition.
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", definition
        ):
            raise PermissionDenied
        return definition


def viewable(request, model, pk: int):
    """The definition `pk` for a user who may view or edit `model`'s definitions; 403 for any
    other user (the pages are the admin's), 404 for a definition that is not there."""
    opts = model._meta
    user = request.user
    if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}") and not user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    ):
        raise PermissionDenied
    return get_object_or_404(model, pk=pk)


def version_json(request, version_model, pk: int) -> HttpResponse:
    """A published version's content as the JSON it is stored as."""
    version = get_object_or_404(version_model, pk=pk)
    viewable(
        request, version_model._meta.get_field("definition").related_model, version.definition_id
    )
    return HttpResponse(
        json.dumps(version.content, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
