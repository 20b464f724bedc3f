from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from siso_platform.accounts import scoping
from siso_platform.accounts.personal_data_admin import PersonalDataViewSet

from .models import Household, HouseholdMembership, Person


class PersonViewSet(PersonalDataViewSet):
    model = Person
    scope = staticmethod(scoping.persons)
    persons_of = staticmethod(list)
    icon = "user"
    menu_label = _("Persons")
    list_display = ["last_name", "first_name", "tax_code", "birth_date", "residence_municipality"]
    list_filter = ["sex", "provisional_tax_code"]
    search_fields = ["tax_code", "last_name", "first_name"]
    form_fields = [
        "tax_code",
        "last_name",
        "first_name",
        "sex",
        "birth_date",
        "birth_place_code",
        "citizenship",
        "residence_municipality",
        "address",
        "phone",
        "email",
        "deceased_on",
    ]
    inspect_view_fields = [*form_fields, "birth_place", "provisional_tax_code", "updated_at"]

    # No add form here: persons are registered at the office with their access
    # (`casework.actions.register_person`), which never tells whether a tax code exists
    # outside the user's scope; this form's "already exists" would.
    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(add_url_name=None, **kwargs)


class HouseholdViewSet(PersonalDataViewSet):
    model = Household
    scope = staticmethod(scoping.households)
    persons_of = staticmethod(
        lambda households: (
            HouseholdMembership.objects.current()
            .filter(household__in=households)
            .values_list("person_id", flat=True)
        )
    )
    icon = "group"
    menu_label = _("Households")
    list_display = ["code", "municipality", "address"]
    search_fields = ["code", "address"]
    form_fields = ["code", "municipality", "address"]
    inspect_view_fields = ["code", "municipality", "address", "created_at"]


class PeopleGroup(ModelViewSetGroup):
    menu_label = _("People")
    menu_icon = "group"
    menu_order = 200
    items = (PersonViewSet("persons"), HouseholdViewSet("households"))


@hooks.register("register_admin_viewset")
def register_people():
    return PeopleGroup()
