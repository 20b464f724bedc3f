"""What wagtail's log entries call a record of personal data: its kind and number, never a name,
a tax code or a family sheet code. A log entry keeps its label for ever, and the site history,
its exports and its filter by name show it to whoever may see the entry."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

# The models whose log entries would name a person, as (app label, model name); the
# personal-data admin viewsets add theirs (`accounts.personal_data_admin`).
PERSONAL_MODELS = (
    ("people", "person"),
    ("people", "household"),
    ("people", "householdmembership"),
    ("people", "fact"),
    ("thirdsector", "activityreport"),
)
_personal_models = set(PERSONAL_MODELS)


def register_personal_model(model) -> None:
    _personal_models.add((model._meta.app_label, model._meta.model_name))


def is_personal(app_label: str, model_name: str) -> bool:
    return (app_label, model_name) in _personal_models


def neutral_label(verbose_name: str, object_id) -> str:
    """E.g. "Persona n. 123"."""
    return _("%(kind)s no. %(id)s") % {"kind": capfirst(str(verbose_name)), "id": object_id}


def neutralise(sender, instance, **kwargs) -> None:
    """Before a wagtail log entry is saved: a personal record's entry gets the neutral label and
    no data (which some actions fill with titles or field values)."""
    content_type = instance.content_type
    if content_type is None or not is_personal(content_type.app_label, content_type.model):
        return
    model = content_type.model_class()
    kind = model._meta.verbose_name if model else content_type.model
    instance.label = neutral_label(kind, instance.object_id)
    instance.data = {}
