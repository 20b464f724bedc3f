from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from . import admin_views


class _PermittedViewSet(ViewSet):
    """A viewset of plain views whose menu item shows only to users with `permission`."""

    permission = ""

    def get_menu_item(self, order=None):
        permission = self.permission

        class PermittedMenuItem(MenuItem):
            def is_shown(self, request):
                return request.user.has_perm(permission)

        return PermittedMenuItem(
            label=self.menu_label,
            url=self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )


class RunViewSet(_PermittedViewSet):
    name = "import_runs"
    url_prefix = "imports/runs"
    icon = "upload"
    menu_label = _("Runs")
    permission = "imports.view_importrun"

    def get_urlpatterns(self):
        return admin_views.run_urlpatterns


class DuplicateViewSet(_PermittedViewSet):
    name = "import_duplicates"
    url_prefix = "imports/duplicates"
    icon = "group"
    menu_label = _("Suspected duplicates")
    permission = "imports.view_duplicatesuspicion"

    def get_urlpatterns(self):
        return admin_views.duplicate_urlpatterns


class TransferViewSet(_PermittedViewSet):
    name = "import_transfers"
    url_prefix = "imports/transfers"
    icon = "resubmit"
    menu_label = _("Transfers of residence")
    permission = "imports.view_importrun"

    def get_urlpatterns(self):
        return admin_views.transfer_urlpatterns


class ImportsGroup(ViewSetGroup):
    menu_label = _("Imports")
    menu_icon = "upload"
    menu_order = 250
    items = (
        RunViewSet(),
        admin_views.MappingProfileViewSet("mapping_profiles"),
        DuplicateViewSet(),
        TransferViewSet(),
    )


@hooks.register("register_admin_viewset")
def register_imports():
    return ImportsGroup()
