"""wagtail's site history report, scoped: the log entries of a personal record only for users who
may read that record (wagtail alone shows every entry of a model to anyone with a permission on
the model, i.e. every person of the region to any zone's staff).

The project's URLconf serves this view at wagtail's own address, before wagtail's admin.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry

from siso_platform.people.log_labels import is_personal

from .personal_data_admin import scopes


def visible_entries_q(user) -> Q:
    """The condition on ModelLogEntry: entries of other models as wagtail decides; entries of a
    personal record whose record the user may read (by its scope); nothing else (a personal
    model without a scope, a deleted record)."""
    if user.is_superuser:
        return Q()
    personal = [
        content_type
        for content_type in ContentType.objects.all()
        if is_personal(content_type.app_label, content_type.model)
    ]
    q = ~Q(content_type__in=personal)
    for model, scope in scopes.items():
        readable = scope(user, model._default_manager.all())
        ids = readable.order_by().annotate(log_id=Cast("pk", CharField())).values("log_id")
        q |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return q


class ScopedLogEntriesView(LogEntriesView):
    def filter_queryset(self, queryset):
        # Called on each log model's rows before wagtail joins them.
        queryset = super().filter_queryset(queryset)
        if issubclass(queryset.model, ModelLogEntry):
            queryset = queryset.filter(visible_entries_q(self.request.user))
        return queryset


def _as_admin(view):
    # What wagtail's admin URLconf adds to each of its views.
    return never_cache(require_admin_access(view))


urlpatterns = [
    path(
        "site-history/",
        _as_admin(ScopedLogEntriesView.as_view()),
        name="scoped_site_history",
    ),
    path(
        "site-history/results/",
        _as_admin(ScopedLogEntriesView.as_view(results_only=True)),
        name="scoped_site_history_results",
    ),
]
