"""The definition core: what questionnaires, procedures, programmes and indicators share.

A definition is edited as wagtail drafts (revisions, locks, live/draft state), owned by a
territory, and frozen into immutable numbered versions when published; a zone may adapt a
regional template as a variant. Each app keeps only its content (a questionnaire's schema, a
procedure's graph, a rule's snapshot) and its checks. An engine: it imports no app.
"""
