"""What a batch changed, written beside it, so that a run can be undone exactly.

A run is undone newest change first, a step at a time: each step undoes some entries and
deletes them in one transaction, so a rollback stopped half-way resumes where it was.
"""

import json

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import signals
from django.db.models.deletion import get_candidate_relations_to_delete

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
        for relation in get_candidate_relations_to_delete(model._meta):
            if relation.on_delete not in (models.PROTECT, models.RESTRICT):
                continue
            related = relation.related_model
            if str(related._meta.verbose_name) in found:
                continue
            for ids in _chunks(inserted):
                if _keys(related, relation.field.column, ids, limit=1):
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
        _delete(model, ids)
    for pk, before in reversed(change.updated):
        values = {
            name: model._meta.get_field(name).to_python(value) for name, value in before.items()
        }
        model._base_manager.filter(pk=pk).update(**values)


def _where_in(column: str, ids: list) -> str:
    return f"{connection.ops.quote_name(column)} IN ({', '.join(['%s'] * len(ids))})"


def _keys(model, column: str, ids: list, *, limit: int | None = None) -> list:
    """Primary keys of `model`'s rows whose `column` is one of `ids`. Plain SQL: Django
    prepares each value of an `__in` list one by one, which was most of a large rollback."""
    meta = model._meta
    sql = (
        f"SELECT {connection.ops.quote_name(meta.pk.column)} "
        f"FROM {connection.ops.quote_name(meta.db_table)} WHERE {_where_in(column, ids)}"
    )
    if limit:
        sql += f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return [row[0] for row in cursor.fetchall()]


def _plain(model) -> bool:
    """Whether `_delete` knows everything deleting a row of `model` involves."""
    meta = model._meta
    return not (
        meta.parents
        or signals.pre_delete.has_listeners(model)
        or signals.post_delete.has_listeners(model)
    )


def _delete(model, ids: list) -> None:
    """Delete rows by their keys as Django's `delete` would (cascade, set null, refuse when
    protected), without loading each row as an object first: at a run's size that took
    minutes. Anything else (signals, other rules) goes Django's own way."""
    rows = model._base_manager.filter(pk__in=ids)
    if not _plain(model):
        rows.delete()
        return
    for relation in get_candidate_relations_to_delete(model._meta):
        field, related = relation.field, relation.related_model
        if not field.target_field.primary_key:
            rows.delete()
            return
        found = _keys(related, field.column, ids)
        if not found:
            continue
        if relation.on_delete in (models.PROTECT, models.RESTRICT):
            used = set(related._base_manager.filter(pk__in=found[:10]))
            raise models.ProtectedError(
                f"{model._meta.label} rows are used by {related._meta.label}", used
            )
        if relation.on_delete is models.CASCADE:
            for chunk in _chunks(found):
                _delete(related, chunk)
        elif relation.on_delete is models.SET_NULL:
            related._base_manager.filter(pk__in=found).update(**{field.name: None})
        elif relation.on_delete is not models.DO_NOTHING:
            rows.delete()
            return
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} "
            f"WHERE {_where_in(model._meta.pk.column, ids)}",
            ids,
        )
