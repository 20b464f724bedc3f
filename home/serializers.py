"""How the charter pages' related records appear in the CMS API (`api_fields` serializers).

Read-only, and only what the public may read: a catalogue item's codes and names, an
office's name, address and contacts, its municipality and social zone. Labels of coded
values (area, kind, day) follow the request's language; codes never change.
"""

from rest_framework import serializers


class NeedCategorySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CatalogueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    area = serializers.CharField()
    area_label = serializers.CharField(source="get_area_display")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    unit = serializers.CharField()
    need_category = NeedCategorySerializer()
    active = serializers.BooleanField()


class MunicipalitySerializer(serializers.Serializer):
    istat_code = serializers.CharField()
    name = serializers.CharField()
    province = serializers.CharField()


class ZoneSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()


class OfficeSummarySerializer(serializers.Serializer):
    """An office as a service page names it: enough to find its own page."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    municipality = serializers.CharField(source="municipality.name")


class CitizenOfficeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    municipality = MunicipalitySerializer()
    zone = ZoneSerializer(source="municipality.zone")
