from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home.api import cms_api
from siso_platform import health
from siso_platform.accounts import login_views

urlpatterns = [
    # probes for the load balancer: no login, no session, never cached (siso_platform/health.py)
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # wagtail's site history, scoped to what the user may read; before wagtail's own.
    path("admin/reports/", include("siso_platform.accounts.site_history")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # the platform's own sign-in and sign-out (LOGIN_URL); wagtail's /admin/login/ stays too
    path("accedi/", login_views.SignInView.as_view(), name="login"),
    path("esci/", login_views.SignOutView.as_view(), name="logout"),
    path("account/two-factor/", include("siso_platform.accounts.two_factor_urls")),
    path("casework/", include("siso_platform.casework.urls")),
    path("monitoring/", include("siso_platform.monitoring.urls")),
    path("third-sector/", include("siso_platform.thirdsector.urls")),
    path("procedures/", include("workflows.urls")),
    path("notifiche/", include("siso_platform.notifications.urls")),
    path("siuss-flows/", include("siso_platform.siuss.desk_urls")),
    path("forms/", include("forms.urls")),
    # the field app for phones, offline first (docs/app.md)
    path("app/", include("siso_platform.fieldapp.urls")),
    path("api/cms/", cms_api.urls),
    path("api/", include("api.urls")),
    # the SIUSS e-service INPS calls through PDND: a voucher, never a session (docs/siuss.md)
    path("waas/", include("siso_platform.siuss.waas.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    # Only public content: the renditions of the charter's images. Uploads are private and
    # have no URL here (docs/files.md).
    urlpatterns += static(
        f"{settings.MEDIA_URL}images/", document_root=settings.MEDIA_ROOT / "images"
    )

# Wagtail serves every other path from the page tree; keep this last.
urlpatterns += [path("", include(wagtail_urls))]
