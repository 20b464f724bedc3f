from django import template

from ..fact_sheet import FIELDS

register = template.Library()


@register.simple_tag
def fact_sheet_fields():
    return FIELDS
