"""The admin speaks Italian to its users: no "Snippets" menu, an Italian empty filter choice."""

import django_filters
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from siso_platform.accounts.models import Role
from siso_platform.audit.models import AuditEvent


def test_the_admin_menu_has_no_snippets_and_keeps_monitoring(client, make_member):
    client.force_login(make_member(Role.REGIONAL_ADMIN))
    with translation.override("it"):
        page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Snippets" not in page
    assert reverse("wagtailsnippets:index") not in page
    # what the Snippets menu listed stays reachable from the Monitoring menu
    assert reverse("wagtailsnippets_monitoring_programme:list") in page


def test_an_unset_filter_choice_reads_in_words():
    class Events(django_filters.FilterSet):
        class Meta:
            model = AuditEvent
            fields = ["action"]

    with translation.override("it"):
        empty = str(Events().form.fields["action"].choices[0][1])
    assert empty == _("— all —") and "---" not in empty
