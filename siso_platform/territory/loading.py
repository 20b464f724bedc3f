"""Load the territory into the database; loading the same file twice changes nothing."""

from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal

from .closures import seed_patron_saints
from .models import CitizenOffice, Municipality, Region, SocialZone
from .municipalities_csv import MunicipalityRow

# Sent after a load, so that other packages (accounts' organisations) follow the territory
# without territory importing them.
territory_loaded = Signal()


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _upsert(model, report: LoadReport, lookup: dict, values: dict):
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    changed = False
    if not created:
        changed = any(getattr(obj, name) != value for name, value in values.items())
        if changed:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save(update_fields=list(values))
    report.count(model._meta.model_name, created, changed)
    return obj


@transaction.atomic
def load_territory(
    rows: list[MunicipalityRow], *, region_code: str = "10", region_name: str = "Umbria"
) -> LoadReport:
    report = LoadReport()
    region = _upsert(Region, report, {"istat_code": region_code}, {"name": region_name})
    zones = {}
    for number in sorted({row.zone_number for row in rows}):
        zones[number] = _upsert(
            SocialZone,
            report,
            {"region": region, "number": number},
            {"name": f"Zona sociale {number}"},  # stored data is Italian
        )
    by_name = {}
    for row in rows:
        municipality = _upsert(
            Municipality,
            report,
            {"istat_code": row.istat_code},
            {
                "name": row.name,
                "province": row.province,
                "cadastral_code": row.cadastral_code,
                "population_2011": row.population_2011,
                "zone": zones[row.zone_number],
            },
        )
        by_name[row.name] = municipality
        if not municipality.offices.filter(is_default=True).exists():
            CitizenOffice.objects.create(
                municipality=municipality,
                name=f"Ufficio di Cittadinanza di {row.name}",
                is_default=True,
            )
            report.count("citizenoffice", created=True, changed=True)
    for row in rows:
        _upsert(
            SocialZone,
            report,
            {"pk": zones[row.zone_number].pk},
            {"lead_municipality": by_name[row.zone_lead]},
        )
    for _ in range(seed_patron_saints()):
        report.count("closure", created=True, changed=True)
    territory_loaded.send(sender=Region, region=region)
    return report
