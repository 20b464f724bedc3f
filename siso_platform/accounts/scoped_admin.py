"""Wagtail admin views over configuration rows a user manages only in part (memberships,
organisations, offices): every view takes its rows from a scope function, so a row out of
scope is not listed and is a 404 everywhere else.

A viewset names `scope` ((user, queryset) -> queryset); its forms get the user as `for_user`.
"""

from django.forms.models import modelform_factory
from django.shortcuts import get_object_or_404
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet


class _Scoped:
    scope = None

    def scoped_queryset(self):
        return self.scope(self.request.user, self.model._default_manager.all())

    def get_base_object_queryset(self):  # history and usage views
        return self.scoped_queryset()


class ScopedIndexView(_Scoped, generic.IndexView):
    def get_base_queryset(self):
        return self.scope(self.request.user, super().get_base_queryset())


class ScopedInspectView(_Scoped, generic.InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.scoped_queryset(), pk=self.pk)


class ScopedCreateView(_Scoped, generic.CreateView):
    pass


class ScopedEditView(_Scoped, generic.EditView):
    def get_queryset(self):
        return self.scoped_queryset()


class ScopedDeleteView(_Scoped, generic.DeleteView):
    def get_queryset(self):
        return self.scoped_queryset()


class ScopedHistoryView(_Scoped, history.HistoryView):
    pass


class ScopedUsageView(_Scoped, usage.UsageView):
    pass


class ScopedForm(WagtailAdminModelForm):
    """A model form that knows its user, to offer only the choices they may make."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.scope_choices(for_user)

    def scope_choices(self, user) -> None:
        pass


class ScopedViewSet(ModelViewSet):
    scope = None
    form_class = ScopedForm

    index_view_class = ScopedIndexView
    inspect_view_class = ScopedInspectView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_enabled = True
    copy_view_enabled = False  # a copy view would read its source unscoped

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(scope=self.scope, **kwargs)

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=self.form_class,
            formfield_callback=self.formfield_for_dbfield,
            fields=self.get_form_fields(),
        )
