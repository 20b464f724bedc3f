from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from definitions.admin import OwnerPermissionPolicy

from . import admin_views
from .models import Indicator, Programme

# The policies first: the viewsets pick them up when they are registered. They let an
# administrator edit only the rules of an owner they administer (their zone, the region).
register_permission_policy(Programme, OwnerPermissionPolicy(Programme))
register_permission_policy(Indicator, OwnerPermissionPolicy(Indicator))


class MonitoringGroup(ViewSetGroup):
    menu_label = _("Monitoring")
    menu_icon = "view"
    menu_order = 320
    items = (
        admin_views.ProgrammeViewSet,
        admin_views.IndicatorViewSet,
        admin_views.ComplementaryItemsViewSet,
    )


register_snippet(MonitoringGroup)


@hooks.register("register_admin_urls")
def register_tools():
    return [path("monitoring-tools/", include((admin_views.urlpatterns, "monitoring_admin")))]
