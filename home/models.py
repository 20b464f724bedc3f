"""The public site and the service charter ("carta dei servizi"), served headless.

The page tree editors can build (every rule below is enforced by the page types)::

    HomePage (the site root)
    ├── ServiceIndexPage   the charter: one ServicePage per catalogue item
    ├── OfficeIndexPage    the citizen offices: one OfficePage per office, with opening hours
    └── NewsIndexPage      news: NewsPage

Each page type lists in `api_fields` what wagtail's API (`/api/cms/`, see `home/api.py`)
serves; related records (catalogue item, office) are serialised inline, so a client needs
one request per page. The API serves published pages only: drafts live in revisions.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from siso_platform.casework.models import CatalogueItem
from siso_platform.territory.models import CitizenOffice

from .serializers import CatalogueItemSerializer, CitizenOfficeSerializer, OfficeSummarySerializer


class HomePage(Page):
    """The site root: the public face of the regional social information system."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["home.ServiceIndexPage", "home.OfficeIndexPage", "home.NewsIndexPage"]

    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The public sections, once published; the page links each one that exists.
        context["charter"] = ServiceIndexPage.objects.child_of(self).live().first()
        context["offices"] = OfficeIndexPage.objects.child_of(self).live().first()
        return context


# -- The service charter -----------------------------------------------------------------


class ServiceIndexPage(Page):
    """The service charter: lists the services (its children) of the intervention catalogue."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ServicePage"]
    max_count_per_parent = 1

    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("service charter")
        verbose_name_plural = _("service charters")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["services"] = (
            ServicePage.objects.child_of(self).live().select_related("item").order_by("title")
        )
        return context


class ServicePage(Page):
    """A service of the charter: one page per item of the intervention catalogue.

    The catalogue item (its code, name, area and kind) is the region's record and is kept in
    the admin under Catalogues; the page says in plain words what the service is, who can
    ask for it, what to bring and where to go.
    """

    item = models.OneToOneField(
        CatalogueItem,
        on_delete=models.PROTECT,
        related_name="service_page",
        verbose_name=_("catalogue item"),
        help_text=_("Each item of the intervention catalogue has at most one page."),
    )
    description = RichTextField(
        _("what it is"), blank=True, help_text=_("What the service gives, in plain words.")
    )
    eligibility = RichTextField(_("who can ask for it"), blank=True)
    documents = StreamField(
        [("document", blocks.CharBlock(label=_("document"), max_length=255))],
        verbose_name=_("documents needed"),
        blank=True,
        help_text=_("One document a line, e.g. an identity document or a valid ISEE."),
    )
    where_to_ask = RichTextField(_("where to ask"), blank=True)
    offices = ParentalManyToManyField(
        CitizenOffice,
        blank=True,
        related_name="service_pages",
        verbose_name=_("offices"),
        help_text=_("Only the offices that give this service; empty when every office does."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("item"),
        FieldPanel("description"),
        FieldPanel("eligibility"),
        FieldPanel("documents"),
        MultiFieldPanel(
            [FieldPanel("where_to_ask"), FieldPanel("offices")], heading=_("Where to ask")
        ),
    ]
    parent_page_types = ["home.ServiceIndexPage"]
    subpage_types = []

    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("eligibility"),
        index.RelatedFields("item", [index.SearchField("code"), index.SearchField("name")]),
    ]

    api_fields = [
        APIField("item", serializer=CatalogueItemSerializer()),
        APIField("description"),
        APIField("eligibility"),
        APIField("documents"),
        APIField("where_to_ask"),
        APIField("offices", serializer=OfficeSummarySerializer(many=True)),
    ]

    class Meta:
        verbose_name = _("service page")
        verbose_name_plural = _("service pages")


# -- Citizen offices and their opening hours ---------------------------------------------


class Weekday(models.TextChoices):
    MONDAY = "mon", _("Monday")
    TUESDAY = "tue", _("Tuesday")
    WEDNESDAY = "wed", _("Wednesday")
    THURSDAY = "thu", _("Thursday")
    FRIDAY = "fri", _("Friday")
    SATURDAY = "sat", _("Saturday")
    SUNDAY = "sun", _("Sunday")


class OpeningHoursValue(blocks.StructValue):
    @property
    def day_label(self) -> str:
        return str(Weekday(self["day"]).label)

    @property
    def weekday(self) -> int:
        """ISO 8601 day of the week: Monday is 1."""
        return list(Weekday.values).index(self["day"]) + 1


class OpeningHoursBlock(blocks.StructBlock):
    """One row of opening hours: a day, from, to (a day open twice has two rows)."""

    day = blocks.ChoiceBlock(choices=Weekday.choices, label=_("day"))
    opens = blocks.TimeBlock(label=pgettext_lazy("opening hours", "from"))
    closes = blocks.TimeBlock(label=pgettext_lazy("opening hours", "to"))
    note = blocks.CharBlock(
        label=_("note"), required=False, max_length=100, help_text=_("e.g. by appointment only")
    )

    class Meta:
        icon = "time"
        label = _("opening hours")
        value_class = OpeningHoursValue

    def clean(self, value):
        value = super().clean(value)
        if value["opens"] and value["closes"] and value["closes"] <= value["opens"]:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "closes": ErrorList([ValidationError(_("Must be later than the opening."))])
                }
            )
        return value

    def get_api_representation(self, value, context=None):
        return {
            "day": value["day"],
            "day_label": value.day_label,
            "weekday": value.weekday,
            "opens": value["opens"].strftime("%H:%M"),
            "closes": value["closes"].strftime("%H:%M"),
            "note": value["note"],
        }


class OfficeIndexPage(Page):
    """The citizen offices (Uffici di Cittadinanza): where to go, and when."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.OfficePage"]
    max_count_per_parent = 1

    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("citizen offices index")
        verbose_name_plural = _("citizen offices indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["offices"] = (
            OfficePage.objects.child_of(self)
            .live()
            .select_related("office__municipality")
            .order_by("title")
        )
        return context


class OfficePage(Page):
    """The public page of a citizen office: its opening hours, beside its contact details.

    Why a page and not a snippet: the charter is served headless through wagtail's API, and
    the API serves pages (with `api_fields`, drafts, revisions, scheduled publishing and a
    URL of their own) but no snippets; a page also gives each office a stable address that
    the service pages and the news can link to. Why opening hours here and not on
    `CitizenOffice`: the office record is the operators' reference data (zone
    administrators keep it under Territory), while opening hours are public content that
    changes with holidays and staff and needs drafts and scheduled publishing. The address,
    phone and email are not repeated: the API serves them from the office record, so there
    is one place to correct them.
    """

    office = models.OneToOneField(
        CitizenOffice,
        on_delete=models.PROTECT,
        related_name="page",
        verbose_name=_("citizen office"),
        help_text=_("Address, phone and email come from the office record (Territory)."),
    )
    opening_hours = StreamField(
        [("hours", OpeningHoursBlock())], verbose_name=_("opening hours"), blank=True
    )
    notes = RichTextField(
        _("notes"), blank=True, help_text=_("Closures, appointments, how to get there.")
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("office"),
        FieldPanel("opening_hours"),
        FieldPanel("notes"),
    ]
    parent_page_types = ["home.OfficeIndexPage"]
    subpage_types = []

    search_fields = [
        *Page.search_fields,
        index.RelatedFields(
            "office",
            [
                index.SearchField("name"),
                index.RelatedFields("municipality", [index.SearchField("name")]),
            ],
        ),
    ]

    api_fields = [
        APIField("office", serializer=CitizenOfficeSerializer()),
        APIField("opening_hours"),
        APIField("notes"),
    ]

    class Meta:
        verbose_name = _("office page")
        verbose_name_plural = _("office pages")


# -- News --------------------------------------------------------------------------------


class NewsIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]
    max_count_per_parent = 1

    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = NewsPage.objects.child_of(self).live().order_by("-date", "-pk")
        return context


class NewsPage(Page):
    date = models.DateField(_("date"))
    intro = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences shown in lists.")
    )
    body = RichTextField(pgettext_lazy("news page", "body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    api_fields = [APIField("date"), APIField("intro"), APIField("body")]

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
