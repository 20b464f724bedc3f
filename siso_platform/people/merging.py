"""Merge two records of one person, keeping the history of both."""

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from .models import Fact, HouseholdMembership, Person


class MergeRefused(ValueError):
    pass


def _current_keys(facts) -> set[tuple]:
    return set(facts.values_list("kind", "key"))


@transaction.atomic
def merge(keep: Person, absorb: Person, *, on: datetime.date) -> dict:
    """Move everything about `absorb` onto `keep`, then delete `absorb`; returns its record.

    Both records' memberships and facts are kept: where both have a current one, the
    absorbed one is closed on `on`. Records that keep their own history (the audit log,
    whose link does nothing on delete) are left pointing at the old id.
    """
    if keep.pk == absorb.pk:
        raise MergeRefused(_("A record cannot be merged with itself."))
    keep = Person.objects.select_for_update().get(pk=keep.pk)
    absorb = Person.objects.select_for_update().get(pk=absorb.pk)
    record = json.loads(json.dumps(model_to_dict(absorb), cls=DjangoJSONEncoder))

    theirs = HouseholdMembership.objects.current().filter(person=absorb).first()
    if theirs and HouseholdMembership.objects.current().filter(person=keep).exists():
        theirs.valid_to = max(on, theirs.valid_from + datetime.timedelta(days=1))
        theirs.save(update_fields=["valid_to"])
    clashing = _current_keys(Fact.objects.current().filter(person=keep))
    for fact in Fact.objects.current().filter(person=absorb):
        if (fact.kind, fact.key) in clashing:
            fact.valid_to = max(on, fact.valid_from)
            fact.save(update_fields=["valid_to"])

    for relation in Person._meta.related_objects:
        if relation.many_to_many or relation.on_delete == models.DO_NOTHING:
            continue
        manager = relation.related_model._base_manager
        manager.filter(**{relation.field.name: absorb}).update(**{relation.field.name: keep})

    blanks = [
        name
        for name in ("birth_place_code", "address", "phone", "email", "deceased_on")
        if not getattr(keep, name) and getattr(absorb, name)
    ]
    for name in blanks:
        setattr(keep, name, getattr(absorb, name))
    if blanks:
        keep.save(update_fields=blanks)
    absorb.delete()
    return record
