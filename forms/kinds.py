"""Every field kind a questionnaire may hold, with its name for administrators, in the order
the admin and the visual designer list them. One place, so the admin's blocks and a designer's
palette cannot disagree; the names are translatable (Italian in the catalogue)."""

from django.utils.translation import gettext_lazy as _

from . import schema

FIELD_KINDS = [
    (schema.TEXT, _("Short text")),
    (schema.TEXTAREA, _("Long text")),
    (schema.INTEGER, _("Integer")),
    (schema.DECIMAL, _("Decimal")),
    (schema.DATE, _("Date")),
    (schema.TIME, _("Time")),
    (schema.DATETIME, _("Date and time")),
    (schema.CHOICE, _("Single choice")),
    (schema.MULTICHOICE, _("Multiple choice")),
    (schema.RANK, _("Ranking")),
    (schema.RANGE, _("Range")),
    (schema.BOOLEAN, _("Yes/no")),
    (schema.TAX_CODE, _("Tax code")),
    (schema.EMAIL, _("Email")),
    (schema.PHONE, _("Phone")),
    (schema.ADDRESS, _("Address")),
    (schema.GEOPOINT, _("Geographic position")),
    (schema.FILE, _("File upload")),
    (schema.IMAGE, _("Image")),
    (schema.HIDDEN, _("Hidden value")),
    (schema.NOTE, _("Display-only text")),
    (schema.GROUP, _("Repeatable group")),
]
KIND_NAMES = dict(FIELD_KINDS)

__all__ = ["FIELD_KINDS", "KIND_NAMES"]
