"""wagtail's log entries of persons carry no name or tax code, old ones included."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from siso_platform.territory.models import Municipality

pytestmark = pytest.mark.django_db

scrubbing = importlib.import_module(
    "siso_platform.people.migrations.0003_scrub_personal_log_entries"
)


def old_entry(instance, label: str, data: dict) -> ModelLogEntry:
    """An entry as wagtail wrote it before (bulk_create skips today's neutral label)."""
    [entry] = ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=ContentType.objects.get_for_model(instance),
                object_id=str(instance.pk),
                label=label,
                action="wagtail.edit",
                data=data,
                timestamp=timezone.now(),
            )
        ]
    )
    return entry


def test_the_scrubbing_migration_rewrites_a_persons_old_label(person_in_zone):
    person = person_in_zone(2)
    identifying = str(person)
    entry = old_entry(person, identifying, {"title": identifying})
    perugia = Municipality.objects.get(name="Perugia")
    other = old_entry(perugia, "Perugia", {})

    scrubbing.scrub(apps, None)

    entry.refresh_from_db()
    assert person.tax_code not in entry.label and person.last_name not in entry.label
    assert entry.label.endswith(f" {person.pk}")
    assert entry.data == {}
    other.refresh_from_db()
    assert other.label == "Perugia"  # configuration keeps its names


def test_a_person_logged_now_gets_the_neutral_label(person_in_zone, english):
    person = person_in_zone(2)
    entry = log(person, "wagtail.edit")
    assert entry.label == f"Person no. {person.pk}"
