"""`{{ fact.value|in_words }}`: a fact's value as the record shows it (people/fact_words.py)."""

from django import template

from siso_platform.people import fact_words

register = template.Library()
register.filter("in_words", fact_words.describe)
