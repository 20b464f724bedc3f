"""Wagtail admin for the regional catalogues: need categories and the intervention catalogue.

Entries are never deleted: past records point at them (PROTECT), so the region retires an entry
by unticking "in use". Nobody gets a delete action, not even a superuser, and there is no delete
URL at all. INPS's table of social benefits is kept the same way, by the region alone: catalogue
items pick their INPS code from it.
"""

from django import forms
from django.contrib.auth import get_permission_codename, get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.forms.models import modelform_factory
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import catalogues, rules
from .models import CatalogueItem, InpsBenefit, NeedCategory

DELETE = "delete"  # the action nobody has on a catalogue


class CataloguePermissionPolicy(ModelPermissionPolicy):
    """Model permissions without delete: catalogue entries are retired, never deleted."""

    def user_has_permission(self, user, action):
        if action == DELETE:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action != DELETE]
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


# Wagtail 8 looks policies up in a registry; register before anything asks for these models'
# policy, or wagtail has already made (and refuses to replace) a fallback one.
register_permission_policy(NeedCategory, CataloguePermissionPolicy(NeedCategory))
register_permission_policy(CatalogueItem, CataloguePermissionPolicy(CatalogueItem))
register_permission_policy(InpsBenefit, CataloguePermissionPolicy(InpsBenefit))


def _in_use():
    return BooleanColumn("active", label=capfirst(_("in use")), sort_key="active")


class CatalogueViewSet(ModelViewSet):
    """A catalogue listing with export, edited in place and retired with `active`."""

    def get_common_view_kwargs(self, **kwargs):
        # No delete view: the views must not try to link to it.
        return super().get_common_view_kwargs(**kwargs, delete_url_name=None)

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != DELETE]

    def get_permissions_to_register(self):
        # When editing a group, offer add, change and view (what front-line roles get; wagtail
        # hides view without an inspect view), and no delete, which nobody can use.
        return Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model)
        ).exclude(codename=get_permission_codename(DELETE, self.model_opts))


class NeedCategoryViewSet(CatalogueViewSet):
    model = NeedCategory
    icon = "tag"
    menu_label = _("Need categories")
    list_display = ["code", "name", _in_use()]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    form_fields = ["code", "name", "description", "active"]
    list_export = ["code", "name", "description", "active"]
    export_filename = "need-categories"


class InpsBenefitForm(forms.ModelForm):
    """The catalogue items mapped to a row follow it: a corrected code or name reaches them,
    so nobody types it twice."""

    def save(self, commit=True):
        old_code = self.instance.pk and self.initial.get("code")
        benefit = super().save(commit=commit)
        if commit:
            if old_code and old_code != benefit.code:
                CatalogueItem.objects.filter(inps_code=old_code).update(inps_code=benefit.code)
            catalogues.follow_inps_table(CatalogueItem, InpsBenefit, codes=[benefit.code])
        return benefit


class InpsBenefitViewSet(CatalogueViewSet):
    model = InpsBenefit
    icon = "list-ol"
    menu_label = _("INPS benefits")
    list_display = ["code", "name", _in_use()]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    list_per_page = 100  # INPS's whole table on one page
    form_fields = ["code", "name", "active"]
    list_export = ["code", "name", "active"]
    export_filename = "inps-benefits"

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=InpsBenefitForm,
            fields=self.form_fields,
            formfield_callback=self.formfield_for_dbfield,
        )


class CatalogueItemForm(forms.ModelForm):
    """New items answer a category in use; an item keeps its category once that is retired.
    The INPS code is picked from INPS's table (codes in use, and the item's own), never typed;
    its name comes with it (`CatalogueItem.clean`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.need_category_id
        self.fields["need_category"].queryset = NeedCategory.objects.filter(
            Q(active=True) | Q(pk=current)
        )
        typed = self.fields["inps_code"]
        benefits = InpsBenefit.objects.filter(Q(active=True) | Q(code=self.instance.inps_code))
        self.fields["inps_code"] = forms.ChoiceField(
            label=typed.label,
            help_text=typed.help_text,
            required=False,
            choices=[("", _("None: not sent to INPS, the benefits wait on the SIUSS worklist"))]
            + [(benefit.code, str(benefit)) for benefit in benefits],
            error_messages={"invalid_choice": rules.UNKNOWN_INPS_CODE},
        )


class CatalogueItemViewSet(CatalogueViewSet):
    model = CatalogueItem
    icon = "list-ul"
    menu_label = _("Intervention catalogue")
    list_display = ["code", "name", "area", "kind", "unit", "need_category", "inps_code", _in_use()]
    list_filter = ["area", "kind", "unit", "active"]
    search_fields = ["code", "name"]
    list_per_page = 50  # the whole seeded catalogue on one page
    form_fields = [
        "code",
        "name",
        "area",
        "kind",
        "unit",
        "need_category",
        "description",
        "active",
        # the national feed (SIUSS): docs/siuss.md; the INPS name follows the INPS code
        "inps_code",
        "means_test",
        "benefit_character",
        "user_area",
        "isee_threshold",
        "unit_cost",
    ]
    list_export = [
        "code",
        "name",
        "get_area_display",
        "get_kind_display",
        "get_unit_display",
        "need_category.code",
        "need_category.name",
        "description",
        "active",
        "inps_code",
        "inps_name",
        "get_means_test_display",
        "get_benefit_character_display",
    ]
    export_headings = {
        "get_area_display": capfirst(_("area")),
        "get_kind_display": capfirst(_("kind")),
        "get_unit_display": capfirst(_("unit")),
        "need_category.code": capfirst(_("need category code")),
        "need_category.name": capfirst(_("need it answers")),
        "get_means_test_display": capfirst(_("means test")),
        "get_benefit_character_display": capfirst(_("character of the benefit")),
    }
    export_filename = "intervention-catalogue"

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=CatalogueItem.objects.select_related("need_category"), **kwargs
        )

    def get_form_class(self, for_update=False):
        return modelform_factory(
            self.model,
            form=CatalogueItemForm,
            fields=self.form_fields,
            formfield_callback=self.formfield_for_dbfield,
        )


class CataloguesGroup(ModelViewSetGroup):
    menu_label = _("Catalogues")
    menu_icon = "clipboard-list"
    menu_order = 350
    items = (
        NeedCategoryViewSet("need_categories"),
        CatalogueItemViewSet("catalogue_items"),
        InpsBenefitViewSet("inps_benefits"),
    )


@hooks.register("register_admin_viewset")
def register_catalogues():
    return CataloguesGroup()


class CaseworkMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("casework.view_case")


@hooks.register("register_admin_menu_item")
def register_casework_menu_item():
    return CaseworkMenuItem(
        _("Casework"), reverse("casework:home"), icon_name="folder-open-inverse", order=300
    )
