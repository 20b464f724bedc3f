"""wagtail's log entries of personal records were labelled "Surname Name (TAX CODE)" and the
site history showed them across the region; rewrite them as "Persona n. 123". The reference
index of those records (which a municipality's "usage" page listed) is dropped: they are no
longer indexed."""

from django.apps import apps as current_apps
from django.conf import settings
from django.db import migrations
from django.db.models import Q
from django.utils import translation

from siso_platform.people.log_labels import PERSONAL_MODELS, neutral_label


def scrub(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    with translation.override(settings.LANGUAGE_CODE):
        for app_label, model_name in PERSONAL_MODELS:
            content_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
            if content_type is None:
                continue
            kind = current_apps.get_model(app_label, model_name)._meta.verbose_name
            entries = list(ModelLogEntry.objects.filter(content_type=content_type))
            for entry in entries:
                entry.label = neutral_label(kind, entry.object_id)
                entry.data = {}  # titles and field values of some actions
            ModelLogEntry.objects.bulk_update(entries, ["label", "data"], batch_size=500)
            ReferenceIndex.objects.filter(
                Q(content_type=content_type) | Q(base_content_type=content_type)
            ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_person_name_birth_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
