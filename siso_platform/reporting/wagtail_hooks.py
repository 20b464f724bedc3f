from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from . import admin_views
from .queries import VIEW_PERMISSION


class ReportingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)


class ReportingViewSet(ViewSet):
    name = "reporting"
    url_prefix = "reporting"
    icon = "table"
    menu_label = _("Regional reporting")
    menu_order = 330
    add_to_admin_menu = True
    menu_item_class = ReportingMenuItem

    def get_urlpatterns(self):
        return admin_views.urlpatterns


@hooks.register("register_admin_viewset")
def register_reporting():
    return ReportingViewSet()
