import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siso_platform.settings.dev")
application = get_wsgi_application()
