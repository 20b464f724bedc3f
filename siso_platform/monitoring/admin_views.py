"""Wagtail admin for benefit programmes, need indicators and complementary items.

Programmes and indicators are edited like questionnaires (drafts, revisions, publishing, an
owner that limits who edits them: `forms.admin_views`); publishing freezes a version.
"""

from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from forms import admin_views as forms_admin

from .models import ComplementaryItems, Indicator, Programme


class _RuleForm(forms_admin.OwnedDefinitionForm):
    refusal = gettext_lazy("The rule cannot be published: %s")

    def publish_problems(self, instance):
        return []


class RuleCreateView(_RuleForm, CreateView):
    pass


class RuleEditView(_RuleForm, forms_admin.OwnerCheckedEdit, EditView):
    pass


def _rule_panels(*specific):
    return [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("owner"),
        FieldPanel("description"),
        *specific,
        MultiFieldPanel(
            [
                FieldPanel("rule"),
                HelpPanel(template="monitoring/admin/fact_sheet_help.html"),
            ],
            heading=gettext_lazy("Rule"),
        ),
    ]


class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "tick-inverse"
    menu_label = gettext_lazy("Benefit programmes")
    url_prefix = "monitoring/programmes"
    list_display = ["title", "item", "owner", "starts_on", "ends_on", "live"]
    list_filter = ["owner"]
    search_fields = ["title", "slug"]
    add_view_class = RuleCreateView
    edit_view_class = RuleEditView
    panels = _rule_panels(FieldPanel("item"), FieldPanel("starts_on"), FieldPanel("ends_on"))

    def get_queryset(self, request):
        return Programme.objects.select_related("owner", "item")


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "warning"
    menu_label = gettext_lazy("Need indicators")
    url_prefix = "monitoring/indicators"
    list_display = ["title", "need_category", "severity", "owner", "live"]
    list_filter = ["owner", "severity"]
    search_fields = ["title", "slug"]
    add_view_class = RuleCreateView
    edit_view_class = RuleEditView
    panels = _rule_panels(FieldPanel("need_category"), FieldPanel("severity"),
                          FieldPanel("message"))

    def get_queryset(self, request):
        return Indicator.objects.select_related("owner", "need_category")


class ComplementaryItemsViewSet(SnippetViewSet):
    model = ComplementaryItems
    icon = "link"
    menu_label = gettext_lazy("Complementary items")
    url_prefix = "monitoring/complementary"
    list_display = ["first", "second", "reason"]
    panels = [FieldPanel("first"), FieldPanel("second"), FieldPanel("reason")]
