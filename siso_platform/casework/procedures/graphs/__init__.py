"""Canonical graphs of the regional procedure templates (see `procedures.TEMPLATE_FILES`)."""
