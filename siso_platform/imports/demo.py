"""The demo's imports: sample files of one municipality run through the real drivers, so the
demo's facts carry real provenance and its admin shows runs, rejected rows and a profile."""

import json
import tempfile
from pathlib import Path

from django.utils import timezone

from . import profiles_io, runs, samples
from .models import ImportRun

PROFILE_NAME = "Comune di Perugia - anagrafe"
ORDER = ("registry", "income", "local_taxes", "property", "rentals", "isee")


def registry_profile(municipality):
    """The demo municipality's registry export, read through a profile."""
    exported = profiles_io.document(
        PROFILE_NAME, "registry", municipality.istat_code, samples.PERUGIA_DIALECT
    )
    profile, _created = profiles_io.save(profiles_io.read(json.dumps(exported).encode()))
    return profile


def import_samples(municipality, *, user=None, bad_share=0.01) -> list[ImportRun]:
    """Import each source once for `municipality` (nothing if it has runs already)."""
    if ImportRun.objects.filter(municipality=municipality).exists():
        return []
    today = timezone.localdate()
    profile = registry_profile(municipality)
    done = []
    with tempfile.TemporaryDirectory() as directory:
        plain = samples.write_samples(
            municipality, Path(directory) / "plain", bad_share=bad_share, reference_date=today
        )
        local = samples.write_samples(
            municipality,
            Path(directory) / "local",
            dialect=samples.PERUGIA_DIALECT,
            reference_date=today,
        )
        for source in ORDER:
            path = local[source] if source == "registry" else plain[source]
            with path.open("rb") as file:
                run = runs.create(
                    source=source,
                    municipality=municipality,
                    file=file,
                    file_name=path.name,
                    reference_date=today,
                    profile=profile if source == "registry" else None,
                    user=user,
                )
            done.append(runs.execute(run))
    return done
