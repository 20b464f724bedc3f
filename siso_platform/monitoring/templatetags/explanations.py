"""Rule explanations in words, wherever a page shows them (see `monitoring.explaining`)."""

from django import template

from .. import explaining

register = template.Library()


@register.filter
def sentences(explanation) -> list[dict]:
    return explaining.sentences(explanation)


@register.filter
def fact_labels(names) -> list[str]:
    return explaining.fact_labels(names)
