"""The field app: an installable, offline-first web app at /app/ (docs/app.md).

A UI package over the API (/api/v1/): it serves the app's shell, its web manifest and its
service worker, and imports nothing of the domain but labels. Nothing imports it.
"""
