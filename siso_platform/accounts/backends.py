from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from .models import Membership
from .roles import group_name


class MembershipBackend(ModelBackend):
    """Role groups grant permissions only while the membership behind them is active, so a
    membership that expires today stops granting anything today, with no job to run."""

    def _get_group_permissions(self, user_obj):
        roles = Membership.objects.active().filter(user=user_obj).values_list("role", flat=True)
        return Permission.objects.filter(group__user=user_obj).filter(
            ~Q(group__name__startswith="role:") | Q(group__name__in=[group_name(r) for r in roles])
        )
