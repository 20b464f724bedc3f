"""Building the service charter's page tree from the catalogue and the territory.

`seed()` adds what is missing under the site's home page and publishes it: the three index
pages, one service page per active catalogue item, one page per citizen office with demo
opening hours, and two news items. It is idempotent: a page that exists (found by its
catalogue item, its office, or its slug) is left as editors made it, published or not.

The text is content for citizens, so it is Italian whatever the language of the command:
generic sentences built from the catalogue item (name, area, kind, need category), for the
region's editors to refine in the admin.
"""

import datetime
from dataclasses import dataclass
from html import escape

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from siso_platform.casework.models import Area, CatalogueItem, InterventionKind
from siso_platform.territory.models import CitizenOffice

from .models import (
    HomePage,
    NewsIndexPage,
    NewsPage,
    OfficeIndexPage,
    OfficePage,
    ServiceIndexPage,
    ServicePage,
)

AREA_NAMES = {
    Area.FAMILIES_MINORS: "Famiglie e minori",
    Area.DISABILITY: "Disabilità",
    Area.ADDICTIONS: "Dipendenze",
    Area.ELDERLY: "Anziani",
    Area.IMMIGRANTS: "Immigrati",
    Area.POVERTY: "Povertà e disagio adulti",
    Area.MULTI_USER: "Multiutenza",
}

# Who the service is for, by area ("Possono chiederlo ...").
AREA_PEOPLE = {
    Area.FAMILIES_MINORS: "le famiglie con figli minori, i genitori e i minori in difficoltà",
    Area.DISABILITY: "le persone con disabilità e le loro famiglie",
    Area.ADDICTIONS: "le persone con problemi di dipendenza e i loro familiari",
    Area.ELDERLY: "le persone anziane, in particolare con ridotta autonomia, e i loro familiari",
    Area.IMMIGRANTS: "le cittadine e i cittadini stranieri che vivono nel territorio",
    Area.POVERTY: "le persone e le famiglie in condizione di povertà o di disagio economico",
    Area.MULTI_USER: "tutte le persone e le famiglie",
}

KIND_PHRASES = {
    InterventionKind.PROFESSIONAL: "un servizio professionale svolto dagli operatori sociali",
    InterventionKind.HOME: "un servizio che si riceve a domicilio",
    InterventionKind.DAY_CENTRE: "un servizio semiresidenziale, offerto di giorno in un centro",
    InterventionKind.RESIDENTIAL: "un servizio residenziale, con accoglienza in una struttura",
    InterventionKind.CASH: "un contributo economico",
    InterventionKind.VOUCHER: "un buono (voucher) da usare presso i servizi accreditati",
}

KIND_NOTES = {
    InterventionKind.PROFESSIONAL: "Il colloquio con gli operatori è gratuito.",
    InterventionKind.HOME: "Orari e frequenza degli interventi sono concordati con la persona "
    "e con la famiglia nel progetto personalizzato.",
    InterventionKind.DAY_CENTRE: "Può essere chiesta una quota di partecipazione al costo, "
    "calcolata in base all'ISEE.",
    InterventionKind.RESIDENTIAL: "Può essere chiesta una quota di partecipazione al costo, "
    "calcolata in base all'ISEE.",
    InterventionKind.CASH: "Importo e durata sono stabiliti nel progetto personalizzato "
    "concordato con l'assistente sociale, nei limiti del regolamento della zona sociale.",
    InterventionKind.VOUCHER: "Valore e periodo di utilizzo del buono sono stabiliti nel "
    "progetto personalizzato, nei limiti del regolamento della zona sociale.",
}

ECONOMIC_KINDS = {InterventionKind.CASH, InterventionKind.VOUCHER}
ASSESSED_KINDS = {InterventionKind.HOME, InterventionKind.DAY_CENTRE, InterventionKind.RESIDENTIAL}

# Demo opening hours: every weekday morning, and one afternoon that differs between offices.
MORNING = (datetime.time(9), datetime.time(12))
AFTERNOON = (datetime.time(15), datetime.time(17, 30))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
AFTERNOON_DAYS = ("tue", "wed", "thu")


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts if text)


def _text(text: str) -> str:
    return escape(text, quote=False)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return f"{_text(text)}." if text else ""


def _page_link(page: Page, text: str) -> str:
    return f'<a linktype="page" id="{page.pk}">{_text(text)}</a>'


def service_description(item: CatalogueItem) -> str:
    kind = KIND_PHRASES.get(item.kind, item.get_kind_display())
    area = AREA_NAMES.get(item.area, item.get_area_display())
    need = item.need_category
    need_text = f"«{_text(need.name)}»"
    if need.description:
        need_text += f": {_text(need.description[0].lower() + need.description[1:])}"
    return _paragraphs(
        _sentence(item.description),
        f"{_text(item.name)} è {kind}. Fa parte dell'area «{_text(area)}» del catalogo "
        f"regionale degli interventi e dei servizi sociali (codice {_text(item.code)}) e "
        f"risponde al bisogno {need_text}.",
        KIND_NOTES.get(item.kind, ""),
    )


def service_eligibility(item: CatalogueItem) -> str:
    people = AREA_PEOPLE.get(item.area, AREA_PEOPLE[Area.MULTI_USER])
    if item.kind in ECONOMIC_KINDS:
        how = (
            "Il beneficio è riconosciuto in base alla situazione economica del nucleo familiare "
            "(ISEE) e alla valutazione dell'assistente sociale, nei limiti delle risorse "
            "disponibili."
        )
    elif item.kind in ASSESSED_KINDS:
        how = (
            "L'accesso è deciso dopo una valutazione del bisogno da parte del servizio sociale, "
            "insieme al distretto sanitario quando servono anche cure sanitarie."
        )
    else:
        how = "Non servono requisiti di reddito: basta rivolgersi all'Ufficio di Cittadinanza."
    return _paragraphs(
        f"Possono chiederlo {_text(people)} residenti in uno dei Comuni della Regione.", how
    )


def service_documents(item: CatalogueItem) -> list[str]:
    documents = ["Documento di identità in corso di validità", "Codice fiscale o tessera sanitaria"]
    if item.kind != InterventionKind.PROFESSIONAL:
        documents.append("Attestazione ISEE in corso di validità")
    if item.area == Area.IMMIGRANTS:
        documents.append("Permesso di soggiorno in corso di validità (cittadini di Paesi non UE)")
    if item.area == Area.DISABILITY:
        documents.append(
            "Certificazione di disabilità (legge 104/1992) o verbale di invalidità civile"
        )
    if item.area == Area.ELDERLY and item.kind != InterventionKind.PROFESSIONAL:
        documents.append("Certificato medico sulle condizioni di salute e di autonomia")
    if item.need_category.code == "housing" and item.kind in ECONOMIC_KINDS:
        documents.append("Contratto di affitto registrato e ricevute degli ultimi pagamenti")
    if item.kind != InterventionKind.PROFESSIONAL:
        documents.append("Modulo di domanda, consegnato e compilato all'Ufficio di Cittadinanza")
    return documents


def service_where_to_ask(offices: OfficeIndexPage) -> str:
    return _paragraphs(
        "Rivolgiti all'Ufficio di Cittadinanza del Comune in cui risiedi, di persona negli "
        "orari di apertura o per telefono per fissare un appuntamento. Un operatore ascolta "
        "la richiesta, aiuta a preparare la domanda e, se serve, fissa un colloquio con "
        "l'assistente sociale.",
        f"Indirizzi e orari degli uffici: {_page_link(offices, offices.title)}.",
    )


def opening_hours(office: CitizenOffice) -> list[tuple[str, dict]]:
    afternoon = AFTERNOON_DAYS[office.pk % len(AFTERNOON_DAYS)]
    rows = []
    for day in WEEKDAYS:
        rows.append(("hours", {"day": day, "opens": MORNING[0], "closes": MORNING[1], "note": ""}))
        if day == afternoon:
            rows.append(
                (
                    "hours",
                    {
                        "day": day,
                        "opens": AFTERNOON[0],
                        "closes": AFTERNOON[1],
                        "note": "su appuntamento",
                    },
                )
            )
    return rows


@dataclass
class SeedReport:
    """How many pages of each kind the seed created and published."""

    indexes: int = 0
    services: int = 0
    offices: int = 0
    news: int = 0

    def add(self, page: Page) -> None:
        if isinstance(page, ServicePage):
            self.services += 1
        elif isinstance(page, OfficePage):
            self.offices += 1
        elif isinstance(page, NewsPage):
            self.news += 1
        else:
            self.indexes += 1

    @property
    def total(self) -> int:
        return self.indexes + self.services + self.offices + self.news


def _unique_slug(parent: Page, base: str) -> str:
    base = slugify(base)[:200] or "pagina"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _publish(parent: Page, page: Page, report: SeedReport) -> Page:
    page.slug = _unique_slug(parent, page.slug or page.title)
    parent.add_child(instance=page)
    page.save_revision(clean=False).publish()  # add_child has just validated it
    report.add(page)
    return page


def _index(home: HomePage, model: type[Page], title: str, slug: str, intro: str, report):
    page = home.get_children().type(model).first()
    if page is not None:
        return page.specific
    return _publish(home, model(title=title, slug=slug, intro=intro), report)


def home_page() -> HomePage:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None or not isinstance(site.root_page.specific, HomePage):
        raise LookupError(_("the default site's root page is not a home page."))
    return site.root_page.specific


@transaction.atomic
def seed(today: datetime.date | None = None) -> SeedReport:
    """Add the missing pages of the charter and publish them; returns what was created."""
    today = today or timezone.localdate()
    report = SeedReport()
    home = home_page()
    services = _index(
        home,
        ServiceIndexPage,
        "Carta dei servizi",
        "servizi",
        _paragraphs(
            "I servizi e gli interventi sociali dei Comuni della Regione: che cosa sono, chi "
            "può chiederli, quali documenti servono e a quale ufficio rivolgersi."
        ),
        report,
    )
    offices = _index(
        home,
        OfficeIndexPage,
        "Uffici di Cittadinanza",
        "uffici",
        _paragraphs(
            "Gli Uffici di Cittadinanza sono la porta di accesso ai servizi sociali: ogni Comune "
            "ne ha almeno uno. Qui trovi indirizzi, contatti e orari di apertura."
        ),
        report,
    )
    news = _index(
        home,
        NewsIndexPage,
        "Notizie",
        "notizie",
        _paragraphs("Novità sui servizi sociali e sugli Uffici di Cittadinanza."),
        report,
    )

    with_page = set(ServicePage.objects.values_list("item_id", flat=True))
    items = CatalogueItem.objects.in_use().exclude(pk__in=with_page).select_related("need_category")
    for item in items.order_by("code"):
        page = ServicePage(
            title=item.name,
            slug=f"{item.code} {item.name}",
            item=item,
            description=service_description(item),
            eligibility=service_eligibility(item),
            documents=[("document", text) for text in service_documents(item)],
            where_to_ask=service_where_to_ask(offices),
        )
        _publish(services, page, report)

    with_page = set(OfficePage.objects.values_list("office_id", flat=True))
    citizen_offices = CitizenOffice.objects.exclude(pk__in=with_page).select_related("municipality")
    for office in citizen_offices.order_by("municipality__name", "name"):
        page = OfficePage(
            title=office.name,
            office=office,
            opening_hours=opening_hours(office),
            notes=_paragraphs(
                "Per un colloquio con l'assistente sociale è consigliato prendere appuntamento "
                "per telefono."
            ),
        )
        _publish(offices, page, report)

    for days_ago, slug, title, intro, body in _news(services, offices):
        if not news.get_children().filter(slug=slug).exists():
            page = NewsPage(
                title=title,
                slug=slug,
                date=today - datetime.timedelta(days=days_ago),
                intro=intro,
                body=body,
            )
            _publish(news, page, report)
    return report


def _news(services: ServiceIndexPage, offices: OfficeIndexPage):
    yield (
        7,
        "carta-dei-servizi-online",
        "Online la carta dei servizi sociali",
        "La carta dei servizi descrive gli interventi sociali dei Comuni della Regione: che "
        "cosa sono, chi può chiederli, quali documenti servono e dove rivolgersi.",
        _paragraphs(
            "Da oggi la carta dei servizi sociali è consultabile online. Per ogni servizio del "
            "catalogo regionale trovi una scheda con la descrizione, i requisiti, i documenti "
            "da presentare e l'ufficio a cui rivolgersi.",
            f"Consulta la {_page_link(services, 'carta dei servizi')}.",
        ),
    )
    yield (
        0,
        "orari-uffici-di-cittadinanza",
        "Orari degli Uffici di Cittadinanza",
        "Gli Uffici di Cittadinanza sono aperti dal lunedì al venerdì la mattina e un "
        "pomeriggio a settimana su appuntamento.",
        _paragraphs(
            "Gli Uffici di Cittadinanza ricevono dal lunedì al venerdì dalle 9 alle 12; un "
            "pomeriggio a settimana, dalle 15 alle 17.30, ricevono su appuntamento.",
            f"Gli orari di ogni ufficio sono nella pagina {_page_link(offices, offices.title)}.",
        ),
    )
