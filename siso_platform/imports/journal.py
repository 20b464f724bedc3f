"""What a batch changed, written beside it, so that a run can be undone exactly."""

import json

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from .models import ImportChange


class Journal:
    def __init__(self):
        self.entries: list[ImportChange] = []

    def inserted(self, model, ids: list[int]) -> None:
        if ids:
            self.entries.append(ImportChange(model=model._meta.label, inserted=ids))

    def updated(self, model, befores: list[tuple[int, dict]]) -> None:
        """`befores`: (pk, {field: value before}) for each changed row."""
        if befores:
            encoded = json.loads(json.dumps(befores, cls=DjangoJSONEncoder))
            self.entries.append(ImportChange(model=model._meta.label, updated=encoded))

    def save(self, run) -> None:
        for entry in self.entries:
            entry.run = run
        ImportChange.objects.bulk_create(self.entries)
        self.entries = []


@transaction.atomic
def undo(run) -> None:
    """Undo every change of `run`, newest first (the caller checks that nothing builds on it)."""
    for change in run.changes.order_by("-pk").iterator():
        model = apps.get_model(change.model)
        if change.inserted:
            model._base_manager.filter(pk__in=change.inserted).delete()
        for pk, before in reversed(change.updated):
            values = {
                name: model._meta.get_field(name).to_python(value) for name, value in before.items()
            }
            model._base_manager.filter(pk=pk).update(**values)
