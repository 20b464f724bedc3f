"""What a batch changed, written beside it, so that a run can be undone exactly.

A run is undone newest change first, a step at a time: each step undoes some entries and
deletes them in one transaction, so a rollback stopped half-way resumes where it was.
"""

import json

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

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


# Rows (inserted or updated) undone in one transaction, and the ids per query.
STEP_ROWS = 5000
CHUNK = 500


def _chunks(ids: list) -> list[list]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def protected(run) -> list[str]:
    """What keeps rows inserted by `run` from being removed: the names of the records (e.g.
    casework) that now point to them. Checked before a rollback starts, so that it is
    refused whole rather than stopped half-way."""
    found = set()
    for label, inserted in run.changes.values_list("model", "inserted").iterator():
        if not inserted:
            continue
        model = apps.get_model(label)
        for relation in model._meta.related_objects:
            if relation.on_delete not in (models.PROTECT, models.RESTRICT):
                continue
            related = relation.related_model
            if related._meta.verbose_name in found:
                continue
            for ids in _chunks(inserted):
                lookup = {f"{relation.field.name}__in": ids}
                if related._base_manager.filter(**lookup).exists():
                    found.add(str(related._meta.verbose_name))
                    break
    return sorted(found)


@transaction.atomic
def undo_step(run) -> int:
    """Undo the newest changes of `run`, about STEP_ROWS rows, and forget them; the number
    of journal entries undone, 0 once there is nothing left."""
    done, rows = [], 0
    for change in run.changes.order_by("-pk")[:200]:
        if done and rows + len(change.inserted) + len(change.updated) > STEP_ROWS:
            break
        _undo(change)
        done.append(change.pk)
        rows += len(change.inserted) + len(change.updated)
    ImportChange.objects.filter(pk__in=done).delete()
    return len(done)


def _undo(change: ImportChange) -> None:
    model = apps.get_model(change.model)
    for ids in _chunks(change.inserted):
        model._base_manager.filter(pk__in=ids).delete()
    for pk, before in reversed(change.updated):
        values = {
            name: model._meta.get_field(name).to_python(value) for name, value in before.items()
        }
        model._base_manager.filter(pk=pk).update(**values)
