"""Wagtail admin views over personal data: every row comes through `scoping`, every read and
change is written to the audit log.

A viewset names its scope function (`scoping.persons`, `scoping.households`, ...) and how to
find the persons an object concerns; the views below do the rest. Registering one also makes
its model personal data for wagtail's log entries (neutral labels, `people.log_labels`) and for
the site history (`site_history`), and keeps it out of wagtail's reference index, whose
"usage" pages would otherwise list persons under their municipality or office.
"""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from siso_platform.audit import log as audit
from siso_platform.people.log_labels import register_personal_model

from . import scoped_admin

# model -> its scope function (user, queryset, change=bool) -> queryset, for every model whose
# admin is a personal-data viewset.
scopes: dict[type, Callable] = {}


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """The model's permissions, on the records of the user's scope only: what wagtail decides
    per record beyond these views (editing sessions, buttons) follows the scope too."""

    def __init__(self, model, scope):
        super().__init__(model)
        self.scope = scope

    def _scoped(self, user, actions, queryset):
        change = any(action != "view" for action in actions)
        return self.scope(user, queryset, change=change)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and self._scoped(user, [action], self.model._default_manager.filter(pk=instance.pk))
            .order_by()
            .exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        return self._scoped(
            user, actions, super().instances_user_has_any_permission_for(user, actions)
        )


class _Audited:
    """A scoped view (`scoped_admin`) that audits what it shows and changes. A personal-data
    scope also knows whether rows are read or changed (`change`)."""

    persons_of = None  # (objects) -> the persons they concern, in one query for a whole page
    change = False

    def scoped_queryset(self):
        return self.scope(self.request.user, self.model._default_manager.all(), change=self.change)

    def audit(self, action, obj, purpose, detail=None):
        audit.record_for_persons(
            action,
            actor=self.request.user,
            obj=obj,
            persons=self.persons_of([obj]),
            purpose=str(purpose),
            detail=detail,
        )


class ScopedIndexView(_Audited, scoped_admin.ScopedIndexView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A listing shows names and tax codes: one event per person on the page.
        audit.record_for_persons(
            "view",
            actor=self.request.user,
            obj=self.model._meta.label_lower,
            persons=self.persons_of(context["object_list"]),
            purpose=str(_("admin listing")),
            detail={"query": self.request.GET.get("q", "")},
        )
        return context


class ScopedInspectView(_Audited, scoped_admin.ScopedInspectView):
    def get(self, request, *args, **kwargs):
        self.audit("view", self.object, _("admin inspect"))
        return super().get(request, *args, **kwargs)


class ScopedCreateView(_Audited, scoped_admin.ScopedCreateView):
    def save_instance(self):
        instance = super().save_instance()
        self.audit("create", instance, _("admin create"))
        return instance


class ScopedEditView(_Audited, scoped_admin.ScopedEditView):
    change = True

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)  # finds self.object, in scope
        self.audit("view", self.object, _("admin edit form"))
        return response

    def save_instance(self):
        instance = super().save_instance()
        self.audit("update", instance, _("admin edit"), detail={"fields": self.form.changed_data})
        return instance


class ScopedDeleteView(_Audited, scoped_admin.ScopedDeleteView):
    change = True

    def delete_action(self):
        self.audit("delete", self.object, _("admin delete"))
        super().delete_action()


class ScopedHistoryView(_Audited, scoped_admin.ScopedHistoryView):
    def get(self, request, *args, **kwargs):
        # The page names the object (a person's name and tax code).
        self.audit("view", self.object, _("admin history"))
        return super().get(request, *args, **kwargs)


class ScopedUsageView(_Audited, scoped_admin.ScopedUsageView):
    def get(self, request, *args, **kwargs):
        self.audit("view", self.object, _("admin usage"))
        return super().get(request, *args, **kwargs)


class PersonalDataViewSet(scoped_admin.ScopedViewSet):
    persons_of = None

    index_view_class = ScopedIndexView
    inspect_view_class = ScopedInspectView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    add_to_reference_index = False

    def on_register(self):
        register_permission_policy(
            self.model, ScopedPermissionPolicy(self.model, self.scope), exact_class=True
        )
        super().on_register()
        scopes[self.model] = self.scope
        register_personal_model(self.model)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(persons_of=self.persons_of, **kwargs)
