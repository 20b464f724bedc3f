"""Numbers and amounts as Italians write them, the one way pages, prints and downloads show
them: `4.500`, `4.500,50`, `€ 1.650,00`.

Also a template library, registered as a builtin (settings: TEMPLATES), so every template can
write `{{ value|euro }}` and `{{ value|number }}` without loading it.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def number(value, decimals: int | None = None) -> str:
    """`4.500`, `4.500,5`: grouped thousands and a decimal comma; decimals only where there
    are some, unless `decimals` is given. Text that is not a number is returned as it is."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    if decimals is None:  # as many as the value has
        decimals = max(-amount.normalize().as_tuple().exponent, 0)
    return number_format(amount, decimals, use_l10n=True, force_grouping=True)


def euro(value) -> str:
    """`€ 1.650,00`: always with cents. Empty for no value."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    return f"€\u00a0{number_format(amount, 2, use_l10n=True, force_grouping=True)}"


register.filter("euro", euro, is_safe=True)
register.filter("number", number, is_safe=True)
