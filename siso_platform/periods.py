"""Records valid for a period [valid_from, valid_to), valid_to empty while still open."""

import datetime

from django.db import models
from django.db.models import Q


class PeriodQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Without a date: the open records (the latest value). With one: those in effect."""
        if on is None:
            return self.filter(valid_to__isnull=True)
        return self.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))


class DatesQuerySet(models.QuerySet):
    """Records with the dates an operator writes: `starts_on` to `ends_on`, the last day
    included, `ends_on` empty while open (interventions, assignments)."""

    def in_effect(self, day: datetime.date):
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
