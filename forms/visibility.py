"""Which submissions a user reads, decided on every read from what the host says today.

A subject's submissions are read whole by whoever the host lets see the subject, except by
a partner assigned to the subject (`FormsHost.partner_subjects_for`): a partner reads only
the questionnaires shared with assigned partners and the submissions they made themselves.
"""

from django.db.models import Q, QuerySet

from .host import host
from .models import Submission


def submissions(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = Submission.objects.all() if queryset is None else queryset
    readable = (
        ~Q(subject__in=host().partner_subjects_for(user))
        | Q(version__definition__shared_with_partners=True)
        | Q(submitted_by=user)
    )
    return queryset.filter(subject__in=host().subjects_for(user)).filter(readable)
