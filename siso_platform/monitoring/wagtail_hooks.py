from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.models import register_snippet

from . import admin_views


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
