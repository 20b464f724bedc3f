"""What the operators' lists share: Bootstrap classes on filter forms, and pages of rows.

Filter state lives in the query string (GET forms, `{% querystring %}` links), so a link
reproduces the list.
"""

from django import forms
from django.core.paginator import Paginator

PAGE_SIZE = 25


def styled(form: forms.Form) -> forms.Form:
    """The form's widgets with the Bootstrap 5 classes of the platform's look."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = css
    return form


def page_of(request, items, size: int = PAGE_SIZE):
    """The page `?page=` asks for (the last one when past the end, the first when not a
    number), with the total count on its paginator."""
    return Paginator(items, size).get_page(request.GET.get("page"))


def counted(total: int, one: str, many: str) -> str:
    """ "1 alert" or "62 alerts": `many` holds `%(count)s`. (Italian and English have two
    forms; a translation table with plural forms would need the plural catalogue.)"""
    return one if total == 1 else many % {"count": total}
