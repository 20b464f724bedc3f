"""Generic form builder: definitions, versions, JSON Logic, validation, wizard, JSON Schema.

It never imports a domain package; the project plugs in through `forms.registry`.
"""
